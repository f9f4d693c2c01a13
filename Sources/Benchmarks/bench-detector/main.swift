// Benchmark (not a test): one keyframe of the detector at 320×400, per stage milliseconds and the total,
// for each head variant, with the seeded weights of `detect --random-init` (seed 1, 21 classes), so that
// tools/bench_detector_onnx.py can run ONNX Runtime on the same graphs with the same weights.
//
//   swift build -c release --product bench-detector
//   .build/release/bench-detector [--threads 2] [--runs 3] [--precision fp32|bf16] [--variants A,D]
//   .build/release/bench-detector --bf16-accuracy VIDEO... [--threads 2]   (bf16 against fp32, real clips)
//   .build/release/bench-detector --precision-timing 3 [--threads 2]  (paper keyframe, fp32 vs bf16)
// (see eval/BENCHMARKS.md)
import Detection
import Foundation
import Media
import Networks
import Primitives
import Tensor

func padded(_ text: String, _ width: Int = 34) -> String {
  text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func argument(_ name: String, _ fallback: Int) -> Int {
  let args = CommandLine.arguments
  guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else {
    return fallback
  }
  return v
}

// `--write-checkpoints DIR`: seeded backbone files (torchvision names) and a detector checkpoint
// assembled from them (DetectorCheckpoint.assemble: RPN and head seeded), for plumbing runs of `detect`.
if let i = CommandLine.arguments.firstIndex(of: "--write-checkpoints"), i + 1 < CommandLine.arguments.count {
  let dir = CommandLine.arguments[i + 1]
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  let configuration = DetectorConfiguration(classes: (1...21).map { String(format: "class%02d", $0) })
  let tensors = try DetectorCheckpoint.seededTensors(configuration, seed: 1)
  for (prefix, file) in [
    ("keyframe.", "resnet50_seeded.safetensors"), ("context.", "s3dg_seeded.safetensors"),
  ] {
    var writer = SafeTensorsWriter()
    for t in tensors where t.name.hasPrefix(prefix) {
      writer.add(String(t.name.dropFirst(prefix.count)), shape: t.shape, values: t.values)
    }
    writer.metadata = ["weights": "seeded: 1 (plumbing only, not trained)"]
    try writer.write(to: "\(dir)/\(file)")
  }
  try DetectorCheckpoint.assemble(
    keyframe: "\(dir)/resnet50_seeded.safetensors", context: "\(dir)/s3dg_seeded.safetensors",
    configuration: configuration, seed: 1, to: "\(dir)/detector_seeded.safetensors")
  print("wrote \(dir)/detector_seeded.safetensors (assembled from seeded backbones; not trained)")
  exit(0)
}

// `--context-diff VIDEO`: how shared-context `Mixed_4e` windows differ from per-clip ones on a real clip.
if let i = CommandLine.arguments.firstIndex(of: "--context-diff"), i + 1 < CommandLine.arguments.count {
  Compute.setThreadCount(argument("--threads", 2))
  let configuration = DetectorConfiguration(classes: (1...21).map { String(format: "class%02d", $0) })
  var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
  let detector = try ActionDetector(weights: &weights, configuration: configuration)
  let reader = try VideoReader(path: CommandLine.arguments[i + 1])
  var frames: [RGBImage] = []
  while let frame = try reader.nextFrame(), frames.count < 96 { frames.append(frame) }
  let resized = detector.resized(frames)
  let shared = SharedContext(detector: detector, resizedFrames: resized)
  print(
    "keyframe  offset(frames)  max|d|/max|ref|  mean|d|/mean|ref|  detections matched (IoU>=0.5, same class)")
  for k in [0, 5, 10, 20, 41, 48, 62, frames.count - 1] where k < frames.count {
    let clipFrames = detector.clipIndices(keyframe: k, frameCount: frames.count).map { resized[$0] }
    let exact = detector.contextFeature(FrameResizer.tensor(clipFrames, video: true))
    let window = shared.window(keyframe: k)
    let (a, b) = (window.scalars, exact.scalars)
    var (maxDiff, maxRef, sumDiff, sumRef): (Float, Float, Double, Double) = (0, 0, 0, 0)
    for j in a.indices {
      maxDiff = max(maxDiff, abs(a[j] - b[j]))
      maxRef = max(maxRef, abs(b[j]))
      sumDiff += Double(abs(a[j] - b[j]))
      sumRef += Double(abs(b[j]))
    }
    let perClip = detector.detect(
      keyframe: k, resizedFrames: resized, sourceWidth: reader.width, sourceHeight: reader.height,
      mixed4e: exact)
    let sharedFound = detector.detect(
      keyframe: k, resizedFrames: resized, sourceWidth: reader.width, sourceHeight: reader.height,
      mixed4e: window)
    let matched = perClip.filter { p in
      sharedFound.contains { $0.classIndex == p.classIndex && $0.box.iou(with: p.box) >= 0.5 }
    }.count
    let offset = 4 * Int((Double(k) / 4).rounded()) - k
    print(
      String(
        format: "%8d  %14d  %15.3f  %17.3f  %d/%d", k, offset, maxDiff / maxRef, sumDiff / sumRef, matched,
        perClip.count))
  }
  exit(0)
}

// `--bf16-accuracy VIDEO...`: layer3, Mixed_4e and detections in bf16 against fp32 on real clips.
if let i = CommandLine.arguments.firstIndex(of: "--bf16-accuracy") {
  let videos = CommandLine.arguments[(i + 1)...].prefix { !$0.hasPrefix("--") }
  try BF16Accuracy.run(videos: Array(videos), threads: argument("--threads", 2))
  exit(0)
}

// `--precision-timing ROUNDS`: the paper's keyframe in fp32 and bf16, alternating, wall and CPU time.
if CommandLine.arguments.contains("--precision-timing") {
  try PrecisionTiming.run(threads: argument("--threads", 2), rounds: argument("--precision-timing", 3))
  exit(0)
}

let threads = argument("--threads", 2)
let runs = argument("--runs", 2)
Compute.setThreadCount(threads)
// `--cache-mb N`: the buffer cache's limit (Compute.setBufferCacheLimit; 512 MiB by default).
if CommandLine.arguments.contains("--cache-mb") {
  Compute.setBufferCacheLimit(bytes: argument("--cache-mb", 512) << 20)
}
// `--precision fp32|bf16`: the GEMM precision of every stage timed below.
let precision = CommandLine.arguments.firstIndex(of: "--precision").flatMap { i in
  i + 1 < CommandLine.arguments.count ? ComputePrecision(rawValue: CommandLine.arguments[i + 1]) : nil
}
if CommandLine.arguments.contains("--precision") && precision == nil {
  FileHandle.standardError.write(Data("bench-detector: --precision is fp32 or bf16\n".utf8))
  exit(2)
}
do {
  try Compute.setPrecision(precision ?? .fp32)
} catch {
  FileHandle.standardError.write(Data("bench-detector: \(error)\n".utf8))
  exit(1)
}

/// Best-of-`runs` milliseconds of `body` (the first call is a warm-up when runs > 1).
func time<T>(_ body: () -> T) -> (ms: Double, value: T) {
  var best = Double.infinity
  var value = body()
  for _ in 0..<max(runs - 1, 1) {
    let start = Date()
    value = body()
    best = min(best, Date().timeIntervalSince(start) * 1000)
  }
  return (best, value)
}

let (detector, clip, keyframe) = try PaperInputs.make()
let base = detector.configuration

print(
  "bench-detector: one keyframe, 320x400, clip 20, \(threads) threads, best of \(max(runs - 1, 1)) after warm-up, "
    + "precision \(Compute.precision), OpenBLAS kernels \(Compute.openBLASKernels)"
)
let key = time { detector.keyframeFeature(keyframe) }
print(padded("keyframe trunk (ResNet-50 layer3)") + String(format: " %9.1f ms", key.ms))
let rpnConv = time { detector.rpn(key.value) }
print(padded("RPN convs") + String(format: " %9.1f ms", rpnConv.ms))
let proposals = time { detector.rpn.proposals(key.value, imageWidth: 400, imageHeight: 320).boxes }
print(
  padded("RPN proposals")
    + String(format: " %9.1f ms  (%d proposals; convs + decode + NMS)", proposals.ms, proposals.value.count))
let context = time { detector.contextFeature(clip) }
print(padded("context trunk (S3D-G Mixed_4e)") + String(format: " %9.1f ms", context.ms))
let shared = String(format: "%.1f", context.ms / 20)
print(
  "  (shared-context mode runs the trunk once over the video: ~\(shared) ms per frame, plus segment margins)")

let variants: [(String, HeadConfiguration.Tail, ROICrop3D.TemporalMode, Int)] = [
  ("A  per-ROI tail, T kept, 300", .perROI, .keep, 300),
  ("A' per-ROI tail, T kept, 100", .perROI, .keep, 100),
  ("B  per-ROI tail, T averaged, 300", .perROI, .average, 300),
  ("D  shared tail, 300", .shared, .keep, 300),
]
// `--variants A,D`: only the variants whose name starts with one of these (all by default).
let only = CommandLine.arguments.firstIndex(of: "--variants").flatMap { i in
  i + 1 < CommandLine.arguments.count
    ? CommandLine.arguments[i + 1].split(separator: ",").map(String.init) : nil
}
print("")
print(padded("head variant") + "   crop ms   tail ms  fc+post ms   total ms (trunks + RPN + head + post)")
for (name, tail, temporal, count) in variants
where only.map({ $0.contains(String(name.prefix(2)).trimmingCharacters(in: .whitespaces)) }) ?? true {
  var head = detector.head
  var configuration = head.configuration
  configuration.tail = tail
  configuration.crop.temporalMode = temporal
  configuration.crop.stride = tail == .perROI ? 16 : 32
  var c = base
  c.head = configuration
  c.rpn.proposals = count
  var s = try DetectorCheckpoint.seededStore(c, seed: 1)
  let d = try ActionDetector(weights: &s, configuration: c)
  head = d.head
  // `--chunk N`: ROIs per per-ROI tail chunk (the head's default otherwise).
  if CommandLine.arguments.contains("--chunk") { head.chunkSize = argument("--chunk", head.chunkSize) }
  let boxes = Array(proposals.value.prefix(count))
  var cropMs = 0.0
  var tailMs = 0.0
  var features = Tensor(shape: [1])
  switch tail {
  case .perROI:
    let crop = time { configuration.crop(context.value, boxes: boxes) }
    cropMs = crop.ms
    let t = time { head.features(mixed4e: context.value, proposals: boxes) }
    tailMs = t.ms - crop.ms  // features = crop (in chunks) + tail
    features = t.value
    head.concurrentChunks = false
    let serial = time { head.features(mixed4e: context.value, proposals: boxes) }
    print(
      String(
        format: "  (%@: tail with chunks run one after the other, multi-threaded kernels: %.1f ms)", name,
        serial.ms - crop.ms))
  case .shared:
    let t = time { head.tail(context.value) }
    tailMs = t.ms
    let crop = time { configuration.crop.mean(t.value, boxes: boxes) }
    cropMs = crop.ms
    features = crop.value
  }
  let fcPost = time {
    d.head.classify(features: features, proposals: boxes, postProcessing: c.postProcessing)
  }.ms
  let total = key.ms + proposals.ms + context.ms + cropMs + tailMs + fcPost
  print(padded(name) + String(format: " %9.1f %9.1f %11.1f %10.1f", cropMs, tailMs, fcPost, total))
}
