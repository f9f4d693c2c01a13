import Detection
// bench-train: one training step (forward + backward, batch 1, every parameter trained) of the
// trainable ResNet-50 (stem → layer3) and S3D-G (Conv2d_1a → Mixed_4e), printing one parseable line
// per case with best and median milliseconds and the peak resident memory of the step.
//
//   swift build -c release --scratch-path .build-bench --product bench-train
//   .build-bench/release/bench-train --threads 2 --runs 3 [--cases resnet_layer3,s3d_mixed_4e]
//     [--widths 1,4] [--bn training,frozen]
//   .build-bench/release/bench-train --cases detector --widths 1,4 --bn frozen   # whole detector step
//   .build-bench/release/bench-train --cases detector --widths 4 --bn training --precision fp32,bf16 \
//     --rounds 3                                  # fp32 vs bf16 GEMMs (train --precision), alternating
//   .build-bench/release/bench-train --cases pool_backward --runs 20   # MaxPool.backward alone
//
// tools/bench_train.sh runs it next to PyTorch (tools/bench_train_torch.py) on the same graphs and
// prints the ratios. Cases: full width (divisor 1) on [1,3,320,400] / [1,3,20,320,400]; width 1/4
// (divisor 4) on [1,3,160,200] / [1,3,20,160,200]; batch norm in training and frozen mode. The loss
// is Σ output · g with a fixed random g; the input gets no gradient. Before every step each
// parameter is re-set (as an optimiser update would), so the layers' per-step rebuilds are timed. Peak memory is the process's
// VmHWM, reset before every step (weights, gradients and the step's activations). With several
// --precision values each round times every precision in turn (same machine load), the lines carry
// `precision=`, and a `ratio` line gives fp32's time over the others' (medians and bests over rounds).
import Foundation
import Networks
import Primitives
import Tensor

/// Input shape of each case at each width divisor (as tools/bench_train_torch.py).
let shapes: [String: [Int: [Int]]] = [
  "resnet_layer3": [1: [1, 3, 320, 400], 4: [1, 3, 160, 200]],
  "s3d_mixed_4e": [1: [1, 3, 20, 320, 400], 4: [1, 3, 20, 160, 200]],
]

var threads = 2
var runs = 3
var cases = ["resnet_layer3", "s3d_mixed_4e"]
var widths = [1, 4]
var modes: [BatchNormMode] = [.training, .frozen]
var precisions: [ComputePrecision] = [.fp32]
var rounds = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
  let value = arguments.next() ?? ""
  let list = value.split(separator: ",").map(String.init)
  switch flag {
  case "--threads": threads = Int(value) ?? threads
  case "--runs": runs = max(1, Int(value) ?? runs)
  case "--cases": cases = list
  case "--widths": widths = list.compactMap { Int($0) }.filter { WidthMultiplier.divisors.contains($0) }
  case "--bn": modes = list.map { $0 == "frozen" ? .frozen : .training }
  case "--rounds": rounds = max(1, Int(value) ?? rounds)
  case "--precision":
    precisions = list.compactMap(ComputePrecision.init(rawValue:))
    guard precisions.count == list.count, !precisions.isEmpty else {
      FileHandle.standardError.write(
        Data("bench-train: --precision takes fp32, bf16 or both, got '\(value)'\n".utf8))
      exit(2)
    }
  default:
    FileHandle.standardError.write(Data("bench-train: unknown option \(flag)\n".utf8))
    exit(2)
  }
}
Compute.setThreadCount(threads)
do {
  for precision in precisions { try Compute.withPrecision(precision) {} }
} catch {
  FileHandle.standardError.write(Data("bench-train: \(error)\n".utf8))
  exit(2)
}
// A training step frees and allocates GiB of activations and gradients: keep them for the next step.
Compute.setBufferCacheLimit(bytes: 3 << 30)

func peakMemoryMB() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
  }
  return 0
}

func resetPeakMemory() {
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func randomTensor(_ shape: [Int], stream: String) -> Tensor {
  Tensor(shape: shape, scalars: CounterRandom(seed: 11).values(stream, count: shape.reduce(1, *)))
}

/// One case's timed steps: seconds per step (and of its forward, where timed), peak memory, and the
/// result line's fields before the times.
struct Timing {
  var label: String
  var times: [Double]
  var forwardTimes: [Double] = []
  var peakMB: Double
  var extra = ""
}

if cases.contains("pool_backward") { PoolBackwardBench.run(runs: runs) }

for divisor in widths {
  for name in cases {
    for mode in modes {
      if name != "detector" && shapes[name]?[divisor] == nil { continue }
      var timings: [ComputePrecision: [Timing]] = [:]
      for _ in 0..<rounds {
        for precision in precisions {
          let timing = try Compute.withPrecision(precision) {
            name == "detector"
              ? try measureDetector(
                width: WidthMultiplier(divisor: divisor), mode: mode, runs: runs, threads: threads)
              : try measure(
                name: name, width: WidthMultiplier(divisor: divisor), mode: mode,
                input: shapes[name]![divisor]!,
                runs: runs, threads: threads)
          }
          timings[precision, default: []].append(timing)
          print(line(timing, precision: precisions == [.fp32] ? nil : precision))
        }
      }
      if precisions.count > 1 { print(ratioLine(timings)) }
    }
  }
}

/// A result line: best and median milliseconds of the timing's steps.
func line(_ t: Timing, precision: ComputePrecision?) -> String {
  let times = t.times.sorted()
  let forward = t.forwardTimes.min().map { String(format: " forward_best_ms=%.1f", $0 * 1000) } ?? ""
  return t.label
    + String(format: " best_ms=%.1f median_ms=%.1f", times[0] * 1000, times[times.count / 2] * 1000) + forward
    + String(format: " peak_rss_mb=%.0f", t.peakMB) + t.extra + (precision.map { " precision=\($0)" } ?? "")
}

/// fp32's time over each other precision's: the median of the rounds' medians, and the best step.
func ratioLine(_ timings: [ComputePrecision: [Timing]]) -> String {
  func summary(_ list: [Timing]) -> (median: Double, best: Double) {
    let medians = list.map { $0.times.sorted()[$0.times.count / 2] }.sorted()
    return (medians[medians.count / 2], list.flatMap(\.times).min()!)
  }
  guard let fp32 = timings[.fp32].map(summary) else { return "ratio: no fp32 rounds" }
  let label = timings[.fp32]![0].label.replacingOccurrences(of: "swift ", with: "")
  let parts = ComputePrecision.allCases.filter { $0 != .fp32 }.compactMap { p -> String? in
    guard let other = timings[p].map(summary) else { return nil }
    return String(
      format: "%@ median_ms=%.1f best_ms=%.1f speedup_median=%.2fx speedup_best=%.2fx", p.description,
      other.median * 1000, other.best * 1000, fp32.median / other.median, fp32.best / other.best)
  }
  return "ratio \(label) fp32 median_ms=\(String(format: "%.1f", fp32.median * 1000)) "
    + parts.joined(separator: " ")
}

/// Times `runs` training steps after one warm-up.
func measure(
  name: String, width: WidthMultiplier, mode: BatchNormMode, input: [Int], runs: Int, threads: Int
) throws -> Timing {
  var weights = WeightStore.seededInitialization(seed: 1)
  let stages: any TrainableModule
  if name == "resnet_layer3" {
    stages = try TrainableResNet50(weights: &weights, final: .layer3, width: width).stages
  } else {
    let configuration = S3DGConfiguration.torchvision.stages(.conv2d_1a, .mixed_4e).width(width)
    stages = try TrainableS3DG(weights: &weights, configuration: configuration).stages
  }
  stages.setBatchNormMode(mode)
  let x = randomTensor(input, stream: "input")
  // Peak memory of this case alone: drop the buffers earlier cases left in the cache.
  Compute.setBufferCacheLimit(bytes: 0)
  Compute.setBufferCacheLimit(bytes: 3 << 30)
  var g: Tensor?
  var times: [Double] = []
  var forwardTimes: [Double] = []
  var peak = 0.0
  for run in 0...runs {
    stages.zeroGradients()
    // As after an optimiser update: layers rebuild what they derive from their weights (Winograd
    // transforms, the flipped kernels of the input gradient), as they do every step of a real run.
    for p in stages.parameters {
      let value = p.value
      p.value = value
    }
    resetPeakMemory()
    let start = DispatchTime.now().uptimeNanoseconds
    let y = stages.forward(x)
    if run > 0 { forwardTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
    if g == nil { g = randomTensor(y.shape, stream: "output_gradient") }
    _ = stages.backward(g!, inputGradient: false)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if run > 0 { times.append(seconds) }  // run 0 warms up
    peak = max(peak, peakMemoryMB())
  }
  let parameters = stages.parameters.reduce(0) { $0 + $1.value.count }
  return Timing(
    label: String(
      format: "swift case=%@ width=%d bn=%@ threads=%d input=%@", name, width.divisor,
      mode == .training ? "training" : "frozen", threads, input.map(String.init).joined(separator: "x")),
    times: times, forwardTimes: forwardTimes, peakMB: peak, extra: " parameters=\(parameters)")
}

/// Times `runs` whole-detector training steps (one sample: both trunks, RPN, head on the sampled
/// ROIs, losses, backward; every part learning) after one warm-up: the paper's 320×400 input and
/// 20-frame clip at full width, 192×240 at the smaller widths.
func measureDetector(width: WidthMultiplier, mode: BatchNormMode, runs: Int, threads: Int) throws -> Timing {
  let (h, w) = width == .full ? (320, 400) : (192, 240)
  let configuration = DetectorConfiguration(
    classes: (1...21).map { "class\($0)" }, inputHeight: h, inputWidth: w, clipLength: 20, width: width)
  var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
  let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
  detector.setTrainable(.all)
  detector.setBatchNormMode(mode)
  let scale = Float(w) / 400
  let sample = DetectorTrainingSample(
    keyframe: randomTensor([1, 3, h, w], stream: "keyframe"),
    clip: randomTensor([1, 3, 20, h, w], stream: "clip"),
    boxes: [
      LabelledBox(box: Box(x1: 40 * scale, y1: 30 * scale, x2: 200 * scale, y2: 300 * scale), classIndex: 3),
      LabelledBox(box: Box(x1: 220 * scale, y1: 50 * scale, x2: 380 * scale, y2: 310 * scale), classIndex: 7),
    ])
  Compute.setBufferCacheLimit(bytes: 0)
  Compute.setBufferCacheLimit(bytes: 3 << 30)
  var times: [Double] = []
  var peak = 0.0
  for run in 0...runs {
    detector.zeroGradients()
    for p in detector.parameters {
      let value = p.value
      p.value = value
    }
    resetPeakMemory()
    var order = SampleOrder.random(seed: UInt64(run))
    let start = DispatchTime.now().uptimeNanoseconds
    _ = detector.accumulateGradients(for: sample, order: &order)
    if run > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
    peak = max(peak, peakMemoryMB())
  }
  return Timing(
    label: String(
      format: "swift case=detector width=%d bn=%@ threads=%d input=%dx%d,clip20", width.divisor,
      mode == .training ? "training" : "frozen", threads, h, w),
    times: times, peakMB: peak)
}
