import Commands
import Datasets
import Detection
import Evaluation
import Foundation
import Networks
import Tensor
import Testing

@testable import Training

/// The tiny detector learns a small synthetic set (a bright rectangle moving left or right, one class
/// per direction) from scratch, to frame-mAP 100 under the act protocol on the same videos.
@Suite struct OverfitTests {
  static func frameMAP(_ detector: ActionDetector, _ set: SyntheticSet, cache: String) throws -> Double {
    var split = SplitDetection(framesRoot: set.root, cacheDirectory: cache)
    split.showProgress = false
    try? FileManager.default.removeItem(atPath: cache)
    let detections = try split.detections(videos: set.videos, detector: detector)
    try? FileManager.default.removeItem(atPath: cache)
    if ProcessInfo.processInfo.environment["OVERFIT_DEBUG"] != nil {
      print("detections: \(detections.count)", detections.prefix(4).map { "\($0.video) \($0.frame) \($0.label) \($0.score) \($0.box)" })
      print(set.groundTruth.videos[set.videos[0]]!.tubes[0].boxes.prefix(2))
    }
    return FrameMAPEvaluator(groundTruth: set.groundTruth, videos: set.videos, detections: detections)
      .evaluate(protocol: .act).mAP
  }

  @Test func tinyDetectorOverfitsSyntheticSet() throws {
    let env = ProcessInfo.processInfo.environment
    let steps = Int(env["OVERFIT_STEPS"] ?? "") ?? 120
    let lr = Float(env["OVERFIT_LR"] ?? "") ?? 0.02
    let set = try SyntheticSet(perClass: 2, frames: 8)
    defer { set.remove() }
    let configuration = SyntheticSet.configuration()
    var weights = WeightStore.seededInitialization(seed: 3)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    detector.rpnTraining.borderTolerance = nil  // a 64×80 input: most anchors cross the border
    let options = TrainingOptions(
      steps: steps, batchSize: 1,
      schedule: LearningRateSchedule(base: lr, warmupSteps: 10, decay: .cosine, totalSteps: steps),
      weightDecay: 0, clipNorm: 10, seed: 1, checkpointEvery: 0, evalEvery: Int(env["OVERFIT_EVAL"] ?? "") ?? 0,
      parts: env["OVERFIT_PARTS"].flatMap(TrainableParts.init(rawValue:)) ?? .all, augmentation: .none)
    let trainer = try Trainer(
      detector: detector, options: options, runDirectory: set.root + "/run", provenance: [:])
    trainer.validate = { try Self.frameMAP($0, set, cache: set.root + "/cache") }
    trainer.onValidation = { print("step \($0): frame-mAP \(String(format: "%.2f", $1))") }
    trainer.onStep = {
      if $0.step % 20 == 0 {
        print("step \($0.step): loss \($0.total) \($0.rpnObjectness) \($0.rpnLocalization) \($0.headClassification) \($0.headLocalization)")
      }
    }
    let examples = TrainingExample.all(in: set.groundTruth, videos: set.videos)
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: configuration, augmentation: .none)
    try trainer.run(examples: examples, builder: builder)
    let map = try Self.frameMAP(try detector.inferenceDetector(), set, cache: set.root + "/cache")
    print("final frame-mAP \(map)")
    #expect(map >= 99.99)
  }
}
