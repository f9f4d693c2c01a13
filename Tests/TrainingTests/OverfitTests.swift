import Commands
import Datasets
import Detection
import Evaluation
import Foundation
import Networks
import Tensor
import Testing

@testable import Training

/// The tiny detector (width 1/8, 64×80 input, 8-frame clips) learns a small synthetic set from
/// scratch: four 8-frame videos of a bright rectangle moving left (class `left`, yellow) or right
/// (`right`, cyan). Frame-mAP (act protocol, per-clip context as in training) on the same videos.
///
/// The bar is 95, not 100: in the time this test may take (about 30 s in a debug build) the best
/// schedule found reaches 95.5 at step 300; longer runs go on improving but slowly.
///
/// Measured with the context trunk in `.shared` mode instead (what `eval-framemap --detector` runs):
/// 21 at step 200 of a 300-step run at the same rate, against 55 at step 200 of a 400-step run in
/// `.perClip` mode: on 8-frame videos the shared trunk's edge padding changes the features a lot.
@Suite struct OverfitTests {
  static func frameMAP(_ detector: ActionDetector, _ set: SyntheticSet, cache: String) throws -> Double {
    var split = SplitDetection(framesRoot: set.root, cacheDirectory: cache)
    split.showProgress = false
    split.contextMode = .perClip
    try? FileManager.default.removeItem(atPath: cache)
    let detections = try split.detections(videos: set.videos, detector: detector)
    try? FileManager.default.removeItem(atPath: cache)
    return FrameMAPEvaluator(groundTruth: set.groundTruth, videos: set.videos, detections: detections)
      .evaluate(protocol: .act).mAP
  }

  @Test func tinyDetectorOverfitsSyntheticSet() throws {
    let set = try SyntheticSet(perClass: 2, frames: 8)
    defer { set.remove() }
    let configuration = SyntheticSet.configuration()
    var weights = WeightStore.seededInitialization(seed: 3)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    var options = TrainingOptions(
      steps: 300, batchSize: 1,
      schedule: LearningRateSchedule(base: 0.01, warmupSteps: 10, decay: .cosine, totalSteps: 400),
      weightDecay: 0, clipNorm: 10, seed: 1, checkpointEvery: 0, parts: .all, augmentation: .none)
    options.keepBorderAnchors = true  // a 64×80 input: most anchors cross the border
    let trainer = try Trainer(
      detector: detector, options: options, runDirectory: set.root + "/run", provenance: [:])
    let examples = TrainingExample.all(in: set.groundTruth, videos: set.videos)
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: configuration, augmentation: .none)
    try trainer.run(examples: examples, builder: builder)
    let map = try Self.frameMAP(try detector.inferenceDetector(), set, cache: set.root + "/cache")
    print(String(format: "tiny detector after 300 steps: frame-mAP %.2f", map))
    #expect(map >= 95)
  }
}
