// bench-train: one training step (forward + backward, batch 1, every parameter trained) of the
// trainable ResNet-50 (stem → layer3) and S3D-G (Conv2d_1a → Mixed_4e), printing one parseable line
// per case with best and median milliseconds and the peak resident memory of the step.
//
//   swift build -c release --scratch-path .build-bench --product bench-train
//   .build-bench/release/bench-train --threads 2 --runs 3 [--cases resnet_full,s3dg_full,resnet_quarter,s3dg_quarter]
//     [--bn training|frozen]
//
// tools/bench_train.sh runs it next to PyTorch (tools/bench_train_torch.py) on the same graphs and
// prints the ratios. Cases: full width on [1,3,320,400] / [1,3,20,320,400]; width 1/4 on
// [1,3,160,200] / [1,3,20,160,200]. The loss is Σ output · g with a fixed random g.
import Foundation
import Networks
import Tensor

struct Case {
  var name: String
  var network: String
  var width: WidthMultiplier
  var input: [Int]
}

let allCases = [
  Case(name: "resnet_full", network: "resnet", width: .full, input: [1, 3, 320, 400]),
  Case(name: "s3dg_full", network: "s3dg", width: .full, input: [1, 3, 20, 320, 400]),
  Case(name: "resnet_quarter", network: "resnet", width: .quarter, input: [1, 3, 160, 200]),
  Case(name: "s3dg_quarter", network: "s3dg", width: .quarter, input: [1, 3, 20, 160, 200]),
]

var threads = 2
var runs = 3
var selected = allCases.map(\.name)
var mode = BatchNormMode.training
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
  let value = arguments.next() ?? ""
  switch flag {
  case "--threads": threads = Int(value) ?? threads
  case "--runs": runs = max(1, Int(value) ?? runs)
  case "--cases": selected = value.split(separator: ",").map(String.init)
  case "--bn": mode = value == "frozen" ? .frozen : .training
  default:
    FileHandle.standardError.write(Data("bench-train: unknown option \(flag)\n".utf8))
    exit(2)
  }
}
Compute.setThreadCount(threads)

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

for c in allCases where selected.contains(c.name) {
  var weights = WeightStore.seededInitialization(seed: 1)
  let stages: any TrainableModule
  if c.network == "resnet" {
    stages = try TrainableResNet50(weights: &weights, final: .layer3, width: c.width).stages
  } else {
    let configuration = S3DGConfiguration.torchvision.stages(.conv2d_1a, .mixed_4e).width(c.width)
    stages = try TrainableS3DG(weights: &weights, configuration: configuration).stages
  }
  stages.setBatchNormMode(mode)
  let x = randomTensor(c.input, stream: "input")
  var g: Tensor?
  var times: [Double] = []
  var peak = 0.0
  for run in 0...runs {
    stages.zeroGradients()
    Compute.setBufferCacheLimit(bytes: 0)
    Compute.setBufferCacheLimit(bytes: 512 << 20)
    resetPeakMemory()
    let start = DispatchTime.now().uptimeNanoseconds
    let y = stages.forward(x)
    if g == nil { g = randomTensor(y.shape, stream: "output_gradient") }
    _ = stages.backward(g!, inputGradient: false)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if run > 0 { times.append(seconds) }  // run 0 warms up
    peak = max(peak, peakMemoryMB())
  }
  times.sort()
  let parameters = stages.parameters.reduce(0) { $0 + $1.value.count }
  print(
    String(
      format:
        "swift case=%@ width=%@ bn=%@ best_ms=%.1f median_ms=%.1f peak_mib=%.0f parameters=%d threads=%d",
      c.name, c.width.description, mode == .training ? "training" : "frozen", times[0] * 1000,
      times[times.count / 2] * 1000, peak, parameters, threads))
}
