// bench-trunks: time the ResNet-50 (to layer3) and S3D-G (to Mixed_4e) trunks at full size, per
// layer kind, against raw cblas_sgemm on each convolution's GEMM shape and against ONNX Runtime.
//
//   swift build -c release --scratch-path .build-tensor --product bench-trunks
//   .build-tensor/release/bench-trunks --threads 2 --runs 3 [--ort ort.jsonl] [--ort-kinds kinds.jsonl]
//     [--precision fp32|bf16]
//   .build-tensor/release/bench-trunks --bf16-gemm 5   (bf16 GEMM vs sgemm, one thread, CPU time)
//
// `tools/bench_trunks.sh` runs ONNX Runtime on the same graphs first and passes its results here.
import Foundation
import Tensor

let options = BenchOptions.parse(CommandLine.arguments.dropFirst())
Compute.setThreadCount(options.threads)
if let mb = options.cacheMB { Compute.setBufferCacheLimit(bytes: mb << 20) }
do {
  try Compute.setPrecision(options.precision)
} catch {
  FileHandle.standardError.write(Data("bench-trunks: \(error)\n".utf8))
  exit(1)
}
print(
  "bench-trunks: threads \(options.threads), runs \(options.runs) (+\(options.warmup) warm-up), precision "
    + "\(options.precision), OpenBLAS kernels \(Compute.openBLASKernels)"
    + (options.precision == .bf16
      ? " (Winograd GEMMs \(Compute.bf16WinogradDescription); the sgemm columns stay fp32 OpenBLAS)" : ""))
if options.bf16Gemm {
  guard BF16Support.host.isAvailable else {
    FileHandle.standardError.write(
      Data("bench-trunks: this CPU has no AVX512_BF16: \(BF16Support.host.cpu)\n".utf8))
    exit(1)
  }
  GemmBench.run(rounds: options.rounds)
  exit(0)
}
if options.layers {
  LayerBench.run(
    runs: options.runs, warmup: options.warmup, filter: options.layerFilter, waitIdle: options.waitIdle,
    sgemm: options.sgemmRuns > 0)
  exit(0)
}
var ort = OrtResults(summary: options.ortPath, kinds: options.ortKindsPath)
let peer = options.peerPython.map {
  PeerRunner(
    python: $0, script: options.peerScript, models: options.peerModels ?? "bench-out/models",
    threads: options.threads)
}

var reports: [NetworkReport] = []
if options.networks.contains("resnet50") {
  let net = ResNetTrunk()
  var source = WeightSource()
  let x = source.tensor([1, 3, 320, 400], fanIn: 3)
  reports.append(
    runNetwork(name: "resnet50_l3", ortName: "resnet50_l3", options: options, peer: peer, ort: &ort) {
      net(x, $0)
    })
}
if options.networks.contains("s3dg") {
  let net = S3DGTrunk()
  var source = WeightSource()
  let x = source.tensor([1, 3, 20, 320, 400], fanIn: 3)
  // Peak memory of this trunk alone: drop the buffers the previous one left in the cache.
  Compute.setBufferCacheLimit(bytes: (options.cacheMB ?? 512) << 20)
  resetPeakMemory()
  reports.append(
    runNetwork(name: "s3dg_m4e", ortName: "s3dg_m4e", options: options, peer: peer, ort: &ort) {
      net(x, $0)
    })
}
for r in reports { r.print(ort: ort, sgemmRuns: options.sgemmRuns) }
if reports.count == 2 {
  let best = reports.reduce(0) { $0 + $1.bestSeconds } * 1000
  let median = reports.reduce(0) { $0 + $1.medianSeconds } * 1000
  var line = String(format: "both trunks: %.1f ms (best), %.1f ms (sum of medians)", best, median)
  if let a = ort.summary["resnet50_l3"], let b = ort.summary["s3dg_m4e"] {
    line += String(
      format:
        "   ONNX Runtime %.1f ms (best), %.1f ms (median)  -> speed-up %.2fx (best vs best), %.2fx (medians)",
      a.best + b.best, a.median + b.median, (a.best + b.best) / best, (a.median + b.median) / median)
  }
  print(line)
}
if options.networksModule {
  print(
    "\n== the Networks module's ResNet50 / S3DG (tfSlimS3DG), same inputs, whole-trunk times only "
      + "(\(options.rounds * options.runs) runs each, after the rounds above"
      + (peer == nil ? ")" : ", ONNX Runtime's alternated with them again)"))
  do {
    var parts: [TimedRuns] = []
    if options.networks.contains("resnet50") {
      let net = try NetworkTrunks.resnet50()
      var source = WeightSource()
      let x = source.tensor([1, 3, 320, 400], fanIn: 3)
      parts.append(
        timeNetworksTrunk("Networks.ResNet50 to layer3", ortName: "resnet50_l3", options: options, peer: peer)
        { net(x).shape })
    }
    if options.networks.contains("s3dg") {
      let net = try NetworkTrunks.s3dg()
      var source = WeightSource()
      let x = source.tensor([1, 3, 20, 320, 400], fanIn: 3)
      parts.append(
        timeNetworksTrunk("Networks.S3DG to Mixed_4e", ortName: "s3dg_m4e", options: options, peer: peer) {
          net(x).shape
        })
    }
    let bestMs = parts.reduce(0) { $0 + $1.bestSeconds } * 1000
    let medianMs = parts.reduce(0) { $0 + $1.medianSeconds } * 1000
    var line = String(format: "   both: %.1f ms (best), %.1f ms (sum of medians)", bestMs, medianMs)
    let peers = parts.compactMap(\.peerSummary)
    if peers.count == 2 {
      let (peerBest, peerMedian) = peers.reduce((0.0, 0.0)) { ($0.0 + $1.best, $0.1 + $1.median) }
      line += String(
        format: "  -> speed-up vs ONNX Runtime %.2fx (best vs best), %.2fx (medians)", peerBest / bestMs,
        peerMedian / medianMs)
    } else if let a = ort.summary["resnet50_l3"], let b = ort.summary["s3dg_m4e"] {
      line += String(
        format: "  -> speed-up vs ONNX Runtime (from files) %.2fx (best vs best), %.2fx (medians)",
        (a.best + b.best) / bestMs, (a.median + b.median) / medianMs)
    }
    print(line)
  } catch {
    print("   could not build the Networks trunks: \(error)")
  }
}

/// Times one of the `Networks` module's trunks, alternated with ONNX Runtime when a peer runs, and
/// prints its best and median (and the peer's).
func timeNetworksTrunk(
  _ name: String, ortName: String, options: BenchOptions, peer: PeerRunner?, _ body: () -> [Int]
) -> TimedRuns {
  let runs = alternate(name: name, model: ortName, options: options, peer: peer, body)
  var line = String(
    format: "   %@: best %.1f ms, median %.1f ms", name, runs.bestSeconds * 1000, runs.medianSeconds * 1000)
  if let p = runs.peerSummary {
    line += String(
      format: "   | ONNX Runtime best %.1f ms, median %.1f ms -> %.2fx (medians)", p.best, p.median,
      p.median / (runs.medianSeconds * 1000))
  }
  print(line)
  return runs
}
