import Detection
import Foundation
import Tensor
import Testing

@testable import Commands
@testable import Training

/// `train --precision bf16`: bf16 GEMM operands in the forward and backward passes, fp32 weights,
/// gradients and optimiser state.
@Suite struct BF16TrainingTests {
  @Test func optionSetsThePrecisionAndResumeKeepsIt() throws {
    let base = [
      "toy", "split1", "--gt", "gt.pkl", "--frames-root", "F", "--init", "d.safetensors", "--run", "R",
    ]
    #expect(try Train.parse(base).trainOptions().precision == nil)  // fp32: the state as before
    #expect(try Train.parse(base + ["--precision", "bf16"]).trainOptions().precision == .bf16)
    #expect(throws: (any Error).self) { try Train.parse(base + ["--precision", "fp16"]) }
    #expect {
      _ = try Train.parse(["toy", "split1", "--frames-root", "F", "--resume", "R", "--precision", "bf16"])
    } throws: { Train.message(for: $0).contains("--precision: a resumed run keeps the settings") }
  }

  /// One SGD step from the same weights in fp32 and in bf16: the step's losses agree within 10 %
  /// (the same weights, the GEMMs' rounding apart; the proposals the head samples from may differ)
  /// without being equal, and the two updates point the same way (cosine of the weight changes
  /// 0.951 measured; bar 0.9): the backward passes in bf16 compute the fp32 gradient, rounded. (Per
  /// tensor the two changes' squared norms agree within a factor of ~2 on all 610 tensors: no
  /// route's bf16 gradient is off.) The run state
  /// records bf16, so a resumed run keeps it (``TrainerResumeTests``), and the process's precision
  /// is left as it was.
  @Test(.enabled(if: BF16Support.host.isAvailable, "this CPU has no AVX512_BF16"))
  func bf16StepTracksFP32() throws {
    try Compute.withThreadCount(2) {
      let set = try SyntheticSet(perClass: 1, frames: 8)
      defer { set.remove() }
      let (examples, builder) = (set.examples, set.sampleBuilder())
      let initial = try TrainerResumeTests.detector().checkpointTensors().flatMap(\.value.scalars)
      var runs: [(losses: [Double], change: [Double])] = []
      for precision in [ComputePrecision?.none, .bf16] {
        var options = TrainerResumeTests.options(steps: 1)
        options.precision = precision
        let directory = set.root + "/run-\(precision?.description ?? "fp32")"
        let trainer = try Trainer(
          detector: try TrainerResumeTests.detector(), options: options, runDirectory: directory,
          provenance: [:])
        try trainer.run(examples: examples, builder: builder)
        #expect(try RunState.read(directory: directory).options.precision == precision)
        let log = try String(contentsOfFile: directory + "/log.csv", encoding: .utf8)
        let losses = log.split(separator: "\n")[1].split(separator: ",")[1...5].map { Double($0)! }
        let tensors = trainer.detector.checkpointTensors()
        let after = tensors.flatMap(\.value.scalars)
        runs.append((losses, zip(after, initial).map { Double($0) - Double($1) }))
      }
      #expect(Compute.precision == .fp32)
      let (fp32, bf16) = (runs[0], runs[1])
      for (a, b) in zip(fp32.losses, bf16.losses) {
        #expect(abs(a - b) <= 0.1 * abs(a), "loss fp32 \(a), bf16 \(b)")
      }
      #expect(fp32.losses != bf16.losses)
      let dot = zip(fp32.change, bf16.change).reduce(0) { $0 + $1.0 * $1.1 }
      let norms = [fp32.change, bf16.change].map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
      let cosine = dot / (norms[0] * norms[1])
      print(String(format: "one SGD step, fp32 vs bf16: cosine of the weight changes %.4f", cosine))
      #expect(cosine >= 0.9 && cosine < 1)
    }
  }
}
