import Detection
import Foundation
import Networks
import Tensor
import Testing

@testable import Training

/// A killed run resumed from its last checkpoint ends with the same weights, bit for bit, as an
/// uninterrupted run (tiny detector, synthetic frames, augmentation on, batch 2): with SGD and frozen
/// batch norm, and with AdamW, batch statistics in the trunks, the batch norms re-estimated every
/// 2 steps and jittered ground truth among the head's proposals (the default model's recipe of
/// sessions 3–9); and with AdamW and the trunks normalising each step's two samples together
/// (`train --bn batch`, whose running statistics the checkpoints carry), in fp32 and, on an
/// AVX512_BF16 CPU, with bf16 GEMMs (`train --precision bf16`).
@Suite struct TrainerResumeTests {
  /// The recipes.
  enum Recipe: CaseIterable {
    case sgdFrozen, adamWTrunksRecalibrated, adamWBatchAcrossSamples, adamWBatchAcrossSamplesBF16
  }

  static func options(steps: Int, recipe: Recipe = .sgdFrozen) -> TrainingOptions {
    var options = TrainingOptions(
      steps: steps, batchSize: 2,
      schedule: LearningRateSchedule(base: 0.01, warmupSteps: 2, decay: .cosine, totalSteps: steps),
      clipNorm: 5, seed: 7, checkpointEvery: 2, parts: .all, augmentation: Augmentation())
    guard recipe != .sgdFrozen else { return options }
    options.optimiser = .adamw
    options.schedule.base = 0.001
    options.weightDecay = 0.01
    options.batchNormTraining = true
    options.headBatchNormFrozen = true
    options.groundTruthJitter = 4
    if recipe == .adamWBatchAcrossSamplesBF16 { options.precision = .bf16 }
    if recipe == .adamWTrunksRecalibrated {
      options.recalibrateEvery = 2
      options.recalibrationSamples = 2
    } else {
      options.batchNormAcrossSamples = true
    }
    return options
  }

  /// Names of the tensors whose values differ between two detectors (any difference in the names
  /// themselves is reported as the first differing name).
  static func differingTensors(_ x: TrainableActionDetector, _ y: TrainableActionDetector) -> [String] {
    let (a, b) = (x.checkpointTensors(), y.checkpointTensors())
    guard a.map(\.name) == b.map(\.name) else { return ["tensor names: \(a.count) vs \(b.count)"] }
    return zip(a, b).filter { $0.value.scalars != $1.value.scalars }.map(\.0.name)
  }

  static func detector() throws -> TrainableActionDetector {
    let configuration = SyntheticSet.configuration()
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    return try TrainableActionDetector(weights: &weights, configuration: configuration)
  }

  @Test(arguments: Recipe.allCases) func resumedRunEndsBitIdentical(_ recipe: Recipe) throws {
    // Pinned: GEMM splits follow the thread count, which other suites' commands set process-wide.
    try Compute.withThreadCount(2) { try resumedRun(recipe) }
  }

  func resumedRun(_ recipe: Recipe) throws {
    if recipe == .adamWBatchAcrossSamplesBF16 && !BF16Support.host.isAvailable { return }
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let (examples, builder) = (set.examples, set.sampleBuilder())
    let steps = 5
    let straight = try Trainer(
      detector: try Self.detector(), options: Self.options(steps: steps, recipe: recipe),
      runDirectory: set.root + "/run-a",
      provenance: [:])
    let start = Date()
    try straight.run(examples: examples, builder: builder)
    let perStep = Date().timeIntervalSince(start) / Double(steps)
    print(String(format: "tiny detector, batch 2: %.3f s per step", perStep))

    let first = try Trainer(
      detector: try Self.detector(), options: Self.options(steps: steps, recipe: recipe),
      runDirectory: set.root + "/run-b",
      provenance: [:])
    first.stopAfterStep = 3  // "killed" after step 3; its last checkpoint is step 2
    #expect(try first.run(examples: examples, builder: builder) == nil)
    let resumed = try Trainer(resuming: set.root + "/run-b")
    #expect(resumed.state.step == 2)
    try resumed.run(examples: examples, builder: builder)

    let differing = Self.differingTensors(straight.detector, resumed.detector)
    #expect(differing.isEmpty, "tensors differing after resume: \(differing.prefix(5))")
    #expect(resumed.state.examplesSeen == steps * 2)
    let log = try String(contentsOfFile: set.root + "/run-b/log.csv", encoding: .utf8)
    let logA = try String(contentsOfFile: set.root + "/run-a/log.csv", encoding: .utf8)
    let losses = { (text: String) in text.split(separator: "\n").map { $0.split(separator: ",").prefix(7) } }
    #expect(losses(log) == losses(logA))
    #expect(FileManager.default.fileExists(atPath: set.root + "/run-b/loss.png"))
    // The final checkpoint is one detect reads, with provenance.
    let (detector, provenance) = try DetectorCheckpoint.load(path: set.root + "/run-b/final.safetensors")
    // Trunks trained with batch statistics (one sample per forward) are run with each sample's own.
    var expected = SyntheticSet.configuration()
    expected.trainedOnClips = true
    if recipe == .adamWTrunksRecalibrated { expected.trunkStatistics = .perSample }
    #expect(detector.configuration == expected)
    #expect(DetectorCheckpoint.isTrained(provenance: provenance))
    if recipe != .sgdFrozen {
      let state = try RunState.read(directory: set.root + "/run-b")
      #expect(state.optimiserState.keys.contains { $0.hasPrefix("adam_v.") })
      #expect(log.contains("head_fg_accuracy"))
    }
  }
}

/// A run asked to stop (``Trainer/shouldStop``: an interrupt or a time limit) ends after the step in
/// progress with a checkpoint of that step, between the periodic ones, and resuming from it ends
/// bit-identical to an uninterrupted run.
@Suite struct RequestedStopTests {
  @Test func stoppedRunCheckpointsItsStepAndResumesExactly() throws {
    try Compute.withThreadCount(2) {
      let set = try SyntheticSet(perClass: 1, frames: 8)
      defer { set.remove() }
      let (examples, builder) = (set.examples, set.sampleBuilder())
      let options = TrainerResumeTests.options(steps: 5)  // checkpoints every 2 steps
      let straight = try Trainer(
        detector: try TrainerResumeTests.detector(), options: options, runDirectory: set.root + "/a",
        provenance: [:])
      try straight.run(examples: examples, builder: builder)
      #expect(straight.stoppedAtStep == nil)

      let stopped = try Trainer(
        detector: try TrainerResumeTests.detector(), options: options, runDirectory: set.root + "/b",
        provenance: [:])
      var asked = 0
      stopped.shouldStop = {
        asked += 1
        return asked == 3  // asked during step 3
      }
      #expect(try stopped.run(examples: examples, builder: builder) == nil)
      #expect(stopped.stoppedAtStep == 3)
      let files = try FileManager.default.contentsOfDirectory(atPath: set.root + "/b")
      #expect(files.contains("step-0000003.safetensors") && !files.contains("step-0000002.safetensors"))
      #expect(!files.contains("final.safetensors"))
      #expect(try RunState.read(directory: set.root + "/b").step == 3)

      let resumed = try Trainer(resuming: set.root + "/b")
      #expect(resumed.state.step == 3)
      try resumed.run(examples: examples, builder: builder)
      #expect(resumed.stoppedAtStep == nil)
      let differing = TrainerResumeTests.differingTensors(straight.detector, resumed.detector)
      #expect(differing.isEmpty, "differing after the stop: \(differing.prefix(5))")
    }
  }
}
