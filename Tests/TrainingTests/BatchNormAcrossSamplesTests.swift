import Detection
import Foundation
import Networks
import Tensor
import Testing

@testable import Commands
@testable import Training

/// `train --bn batch`: each step's samples run through the trunks as one batch.
@Suite struct BatchNormAcrossSamplesTests {
  @Test func optionNeedsABatchAndSetsTheMode() throws {
    let base = [
      "toy", "split1", "--gt", "gt.pkl", "--frames-root", "F", "--init", "d.safetensors", "--run", "R",
      "--bn", "batch",
    ]
    do {
      _ = try Train.parse(base).trainOptions()
      Issue.record("--bn batch accepted with one sample per step")
    } catch {
      #expect(Train.message(for: error).contains("--bn batch needs --batch-size 2 or more"))
    }
    do {
      _ = try Train.parse(base + ["--batch-size", "4", "--recalibrate-every", "200"]).trainOptions()
      Issue.record("--bn batch accepted with --recalibrate-every")
    } catch {
      #expect(Train.message(for: error).contains("with --bn batch the running statistics already follow"))
    }
    let options = try Train.parse(base + ["--batch-size", "4"]).trainOptions()
    #expect(options.batchNormAcrossSamples == true && options.batchNormTraining)
    #expect(options.headBatchNormFrozen == true)
    #expect(
      try Train.parse(base.dropLast(2) + ["--bn", "trunks"]).trainOptions().batchNormAcrossSamples == nil)
  }

  /// A short run: every step takes the batched path, and the checkpoint runs the trunks with the
  /// running statistics the training kept.
  @Test func runWritesRunningStatisticsCheckpoints() throws {
    try Compute.withThreadCount(1) {
      let set = try SyntheticSet(perClass: 1, frames: 8)
      defer { set.remove() }
      let configuration = SyntheticSet.configuration()
      var weights = WeightStore.seededInitialization(seed: 3)
      let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
      let start = detector.context.stages.batchNorms[0].runningMean.scalars
      var options = TrainingOptions(
        steps: 2, batchSize: 2,
        schedule: LearningRateSchedule(base: 0.001, warmupSteps: 0, decay: .cosine, totalSteps: 2),
        seed: 1, checkpointEvery: 0, parts: .all, batchNormTraining: true, augmentation: .none)
      options.headBatchNormFrozen = true
      options.batchNormAcrossSamples = true
      let trainer = try Trainer(
        detector: detector, options: options, runDirectory: set.root + "/run", provenance: [:])
      let builder = SampleBuilder(
        framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
        configuration: configuration, augmentation: .none)
      let final = try #require(
        try trainer.run(
          examples: TrainingExample.all(in: set.groundTruth, videos: set.videos), builder: builder))
      #expect(detector.batchNormAcrossSamples)
      #expect(detector.context.stages.batchNorms[0].runningMean.scalars != start)
      let (saved, _, _) = try DetectorCheckpoint.open(path: final)
      #expect(saved.trunkStatistics == .running)
      #expect(trainer.state.examplesSeen == 4)
    }
  }
}
