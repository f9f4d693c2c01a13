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
/// scratch to frame-mAP 100: four 8-frame videos of a bright rectangle moving left (class `left`,
/// yellow) or right (`right`, cyan). Frame-mAP (act protocol, per-clip context as in training, score
/// threshold 0.001 as `tools/evaluate_default_model.sh` scores the default model) on the same videos.
///
/// Recipe: batch statistics in the trunks (the head's batch norms frozen, `--bn trunks`), SGD at
/// 0.02 over a 1,500-step cosine (37 s in a debug build on an idle Zen 5). From scratch, last-bit
/// differences grow into different detectors, so the figure follows OpenBLAS's kernel set: Debian's
/// 0.3.21 picks Cooperlake on these Zen 4 and Zen 5 machines, and `OPENBLAS_CORETYPE` chooses
/// another (session 20's shell had `OPENBLAS_CORETYPE=Haswell` set). Measured in session 20,
/// frame-mAP by kernel set:
///
/// | steps | Haswell (= Zen) | Cooperlake | SkylakeX | Sandybridge | Nehalem |
/// |---|---|---|---|---|---|
/// | 800 | 99.62 | 99.81 | 99.49 | | |
/// | 1,000 | 100 | 98.23 | 100 | | |
/// | 1,200 | 100 | 100 | 100 | 100 | 100 |
/// | 1,500 | 100 | 100 | 100 | 100 | |
///
/// The recipe before (frozen batch norms, SGD 0.01, 300 of a 400-step cosine, threshold 0.05) gave
/// 94.79 with Cooperlake, 97.56 with SkylakeX and 89.09 with Haswell, below its bar of 90 (the
/// default test run failed in a shell with `OPENBLAS_CORETYPE=Haswell`): its wrong-label detections
/// scored up to 0.75, and its boxes sat on the 16-pixel anchor grid (IoU < 0.5 where the rectangle
/// lies between two cells). With the trunks' batch statistics the classes separate on every kernel
/// set; the longer schedule then tightens the boxes.
///
/// Measured with the context trunk in `.shared` mode instead (what `eval-framemap --detector` runs):
/// 21 at step 200 of a 300-step run (old recipe), against 55 at step 200 of a 400-step run in
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
    // Pinned: GEMM splits follow the thread count, and steps from scratch amplify their last-bit
    // differences into different detectors (see above); pinned, the figure follows OpenBLAS's kernel
    // only, not the number of cores.
    try Compute.withThreadCount(1) { try overfit() }
  }

  func overfit() throws {
    let set = try SyntheticSet(perClass: 2, frames: 8)
    defer { set.remove() }
    var configuration = SyntheticSet.configuration()
    configuration.postProcessing.scoreThreshold = 0.001
    var weights = WeightStore.seededInitialization(seed: 3)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    var options = TrainingOptions(
      steps: 1500, batchSize: 1,
      schedule: LearningRateSchedule(base: 0.02, warmupSteps: 10, decay: .cosine, totalSteps: 1500),
      weightDecay: 0, clipNorm: 10, seed: 1, checkpointEvery: 0, parts: .all,
      batchNormTraining: true, augmentation: .none)
    options.headBatchNormFrozen = true  // as `--bn trunks`
    options.keepBorderAnchors = true  // a 64×80 input: most anchors cross the border
    let trainer = try Trainer(
      detector: detector, options: options, runDirectory: set.root + "/run", provenance: [:])
    try trainer.run(examples: set.examples, builder: set.sampleBuilder(augmentation: .none))
    let map = try Self.frameMAP(try detector.inferenceDetector(), set, cache: set.root + "/cache")
    print(String(format: "tiny detector after 1,500 steps: frame-mAP %.2f", map))
    #expect(map >= 99.999)  // 100 up to rounding
  }
}
