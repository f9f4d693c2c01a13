// swift-tools-version: 6.0
// The package graph reads as the architecture (see ../shared/DESIGN.md, "Modules"):
//
//   C wrappers   CFFmpeg → Media · CPNG → Rendering · COpenBLAS, CKernelsBF16 → Tensor · CMPI → Distributed
//   networks     Tensor ← Networks ← Detection ← Commands
//   data         Primitives ← Media, Rendering, Datasets ← Evaluation ← Commands;
//                Datasets, Media ← Synthetic ← Commands; these never import a network module.
//   flow         Tensor (its thread helpers), Primitives, Media ← Flow ← Commands (no network module).
//   learning     Detection, Networks, Media, Datasets, Rendering, Distributed, Flow ← Training ← Commands
//                (nothing else imports Training; validation reaches Evaluation through Commands).
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

/// A user-facing command: a two-line `main.swift` over the `Commands` library.
func command(_ name: String) -> Target {
  .executableTarget(name: name, dependencies: ["Commands"], path: "Sources/Executables/\(name)")
}

let package = Package(
  name: "ActionDetection",
  products: [
    .executable(name: "detect", targets: ["detect"]),
    .executable(name: "eval-framemap", targets: ["eval-framemap"]),
    .executable(name: "eval-videomap", targets: ["eval-videomap"]),
    .executable(name: "render-annotations", targets: ["render-annotations"]),
    .executable(name: "video-info", targets: ["video-info"]),
    .executable(name: "make-synthetic-actions", targets: ["make-synthetic-actions"]),
    .executable(name: "assemble-detector", targets: ["assemble-detector"]),
    .executable(name: "train", targets: ["train"]),
    .executable(name: "flow", targets: ["flow"]),
    .executable(name: "bench-framemap", targets: ["bench-framemap"]),
    .executable(name: "bench-trunks", targets: ["bench-trunks"]),
    .executable(name: "bench-detector", targets: ["bench-detector"]),
    .executable(name: "bench-train", targets: ["bench-train"]),
    .executable(name: "bench-flow", targets: ["bench-flow"]),
    .library(
      name: "ActionDetection",
      targets: [
        "Media", "Rendering", "Datasets", "Evaluation", "Tensor", "Networks", "Detection", "Training",
        "Synthetic", "Flow",
      ]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    // System libraries; each is imported only by the module that wraps it.
    .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat libavcodec libavutil libswscale"),
    .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas"),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng"),
    // Open MPI 4.1 (Debian's libopenmpi-dev): `ompi-c` gives its include folders and `-lmpi`.
    .systemLibrary(name: "CMPI", pkgConfig: "ompi-c"),

    // Scale-out: an `mpirun` job's process group (rank, size, all-reduce, broadcast, abort).
    .target(name: "Distributed", dependencies: ["CMPI"]),

    // Plain value types shared by every layer: boxes in pixels and RGB8 images.
    .target(name: "Primitives"),

    // Compute engine, networks, the detector.
    // AVX-512 GEMM kernels (bf16; fp32 with a pre-packed A): AVX-512 only inside functions marked
    // for it, called after a run-time CPU check (the binary itself stays x86-64-v3). Imported only
    // by Tensor. Optimised in debug builds too: at -O0 their micro-kernels keep the accumulators in
    // memory, and the default tests took 9.6 minutes instead of 1.5. Loops start on 64-byte
    // boundaries: the AVX2 GEMM ran 2.6 % faster so on a Zen 3 (tools/gemm_pair.sh, 7 paired runs;
    // the same bits), and no longer depends on where the linker happens to put it.
    .target(name: "CKernelsBF16", cSettings: [.unsafeFlags(["-O2", "-falign-loops=64"])]),
    .target(
      name: "Tensor",
      dependencies: ["COpenBLAS", "CKernelsBF16", .product(name: "Numerics", package: "swift-numerics")],
      exclude: ["README.md"],
      swiftSettings: [.unsafeFlags(["-Ounchecked", "-Xcc", "-march=x86-64-v3"])]
    ),
    .target(name: "Networks", dependencies: ["Tensor"], exclude: ["README.md"]),
    // AVX2 for the ROI crop's channel loops (its preconditions stay: no -Ounchecked here), optimised
    // in debug builds too: unoptimised, its SIMD loops made the ROI crop's backward 64 % of a tiny
    // training step (the overfit test).
    .target(
      name: "Detection", dependencies: ["Networks", "Tensor", "Primitives"],
      swiftSettings: [.unsafeFlags(["-O", "-Xcc", "-march=x86-64-v3"])]),

    // Data: video in, pictures out, annotations, evaluation.
    .target(name: "Media", dependencies: ["CFFmpeg", "Primitives"]),
    .target(name: "Rendering", dependencies: ["CPNG", "Primitives"]),
    .target(name: "Datasets", dependencies: ["Primitives"]),
    .target(name: "Evaluation", dependencies: ["Datasets", "Primitives", "Rendering"]),
    // Synthetic benchmark: procedural action videos with exact ground truth (no network module).
    .target(name: "Synthetic", dependencies: ["Primitives", "Datasets", "Media"]),

    // Optical flow: TV-L1 as OpenCV's DualTVL1 computes it, and the 8-bit x/y images datasets
    // store it as. Its row loops are the hot path (unchecked, AVX2+FMA, measured).
    .target(
      name: "Flow", dependencies: ["Tensor", "Primitives", "Media"],
      swiftSettings: [.unsafeFlags(["-Ounchecked", "-Xcc", "-march=x86-64-v3"])]),

    // Learning: optimiser, data loading (examples, augmentation, prefetch), schedule, the trainer
    // loop, run state and resume. Imports the detector and the data modules (Flow: stored flow for a
    // flow stream's clips); only Commands imports it.
    .target(
      name: "Training",
      dependencies: [
        "Detection", "Networks", "Tensor", "Datasets", "Media", "Primitives", "Rendering", "Distributed",
        "Flow",
      ]),

    // Commands: thin ParsableCommands over the library, one small executable each.
    .target(
      name: "Commands",
      dependencies: [
        "Media", "Rendering", "Datasets", "Evaluation", "Primitives", "Detection", "Networks", "Tensor",
        "Synthetic", "Training", "Distributed", "Flow", argumentParser,
      ],
      // The default model `detect` uses without `--weights`, and its flow stream (`--flow default`)
      // (eval/DEFAULT_MODEL.md), copied beside the executables; `DefaultDetector` also finds them in
      // the source tree.
      resources: [
        .copy("Resources/default-detector.safetensors"), .copy("Resources/default-flow-detector.safetensors"),
      ]
    ),
    command("detect"),
    command("eval-framemap"),
    command("eval-videomap"),
    command("render-annotations"),
    command("video-info"),
    command("make-synthetic-actions"),
    command("assemble-detector"),
    command("train"),
    command("flow"),

    // Benchmarks (not tests): each prints its figures next to a peer run in the same invocation.
    .executableTarget(
      name: "bench-framemap", dependencies: ["Evaluation", "Datasets", "Primitives"],
      path: "Sources/Benchmarks/bench-framemap"),
    .executableTarget(
      name: "bench-trunks", dependencies: ["Tensor", "Networks", "Primitives"],
      path: "Sources/Benchmarks/bench-trunks"),
    .executableTarget(
      name: "bench-detector", dependencies: ["Detection", "Networks", "Tensor", "Primitives", "Media"],
      path: "Sources/Benchmarks/bench-detector"),
    .executableTarget(
      name: "bench-train", dependencies: ["Detection", "Networks", "Tensor", "Primitives"],
      path: "Sources/Benchmarks/bench-train"),
    .executableTarget(
      name: "bench-flow", dependencies: ["Flow", "Tensor", "Media"], path: "Sources/Benchmarks/bench-flow"),

    .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"]),
    .testTarget(name: "MediaTests", dependencies: ["Media", "Primitives"], exclude: ["Fixtures"]),
    .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Primitives"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Primitives"], exclude: ["Fixtures"]),
    .testTarget(
      name: "EvaluationTests", dependencies: ["Evaluation", "Datasets", "Primitives", "Rendering"],
      exclude: ["Fixtures"]),
    .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
    .testTarget(name: "NetworksTests", dependencies: ["Networks", "Tensor"], exclude: ["Fixtures"]),
    .testTarget(
      name: "TrainingTests",
      dependencies: [
        "Training", "Networks", "Tensor", "Detection", "Datasets", "Primitives", "Rendering", "Evaluation",
        "Commands", "Distributed", "Flow", "Media", "train", "eval-framemap", "detect",
      ]),
    .testTarget(
      name: "DetectionTests",
      dependencies: [
        "Detection", "Networks", "Tensor", "Primitives", "Commands", "Datasets", "Media", "Rendering", "Flow",
      ],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "FlowTests", dependencies: ["Flow", "Primitives", "Media", "Commands", "flow"],
      exclude: ["Fixtures"]),
    .testTarget(name: "CommandsTests", dependencies: ["Commands", "render-annotations"]),
    .testTarget(
      name: "SyntheticTests", dependencies: ["Synthetic", "Datasets", "Media", "Primitives", "Commands"]),
  ],
  swiftLanguageModes: [.v6]
)
