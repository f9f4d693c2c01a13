import Foundation
import Networks
import Primitives
import Rendering
import Tensor
import Testing

@testable import Commands
@testable import Detection
@testable import Training

/// How a from-scratch run starts: small detection layers, batch norms calibrated on data, and the
/// `--preview` check of the samples.
@Suite struct ScratchStartTests {
  /// Standard deviation of every value of `x`.
  static func spread(_ x: Tensor) -> Float {
    let v = x.scalars
    let mean = v.reduce(0, +) / Float(v.count)
    return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(v.count)).squareRoot()
  }

  @Test func detectionLayersStartSmall() throws {
    var weights = WeightStore.detectorInitialization(seed: 2)
    let detector = try TrainableActionDetector(weights: &weights, configuration: SyntheticSet.configuration())
    let rpn = Self.spread(detector.rpn.objectnessWeight.value)
    let boxes = Self.spread(detector.head.boxes.weight.value)
    #expect(abs(rpn - 0.01) < 0.002)
    #expect(abs(boxes - 0.001) < 0.0002)
    // The trunks keep He bounds: conv1 of ResNet-50 (fan-in 3·7·7) has sd sqrt(2/147) ≈ 0.117.
    let conv1 = detector.keyframe.stages.parameters.first { $0.name == "keyframe.conv1.weight" }!
    #expect(abs(Self.spread(conv1.value) - (2 / Float(147)).squareRoot()) < 0.01)
  }

  @Test func calibrationNormalisesTheTrunksWithFrozenBatchNorm() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let configuration = SyntheticSet.configuration()
    var weights = WeightStore.detectorInitialization(seed: 2)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: configuration, augmentation: .none)
    let examples = TrainingExample.all(in: set.groundTruth, videos: set.videos)
    let samples = try [0, 9].map { try builder.sample(examples[$0], seed: 1) }
    func features() -> (keyframe: Float, context: Float) {
      let k = detector.keyframe.stages.forward(detector.keyframeNormalization(samples[0].keyframe))
      let c = detector.context.stages.forward(detector.contextNormalization(samples[0].clip))
      detector.keyframe.stages.forgetActivations()
      detector.context.stages.forgetActivations()
      return (Self.spread(k), Self.spread(c))
    }
    let before = features()
    let statistics = detector.batchNorms.map { ($0.runningMean.scalars, $0.runningVariance.scalars) }
    detector.calibrateBatchNorms(on: samples)
    let after = features()
    // Seeded weights grow the activations through the residual blocks; calibrated, the last block's
    // output is a sum of a few unit-variance branches.
    #expect(before.keyframe > 10)
    #expect(after.keyframe > 0.3 && after.keyframe < 5)
    #expect(after.context > 0.1 && after.context < 5)
    // Every batch norm (the head's tail too) has new statistics, and is back in frozen mode.
    for (bn, old) in zip(detector.batchNorms, statistics) {
      #expect(bn.runningVariance.scalars != old.1, "\(bn.prefix)")
      #expect(bn.mode == .frozen && bn.momentum == 0.1)
    }
  }

  @Test func previewWritesTheAugmentedSamplesWithBoxes() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let pickle = set.root + "/gt.pkl"
    try set.groundTruth.writeACTPickle(to: pickle)
    let out = set.root + "/preview"
    let command = try Train.parse([
      "toy", "split1", "--gt", pickle, "--frames-root", set.root, "--scratch", "64x80,8,8,16,20",
      "--preview", out,
    ])
    try command.run()
    let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(files == (1...16).map { String(format: "sample-%02d.png", $0) })
    let image = try RGBImage(pngAt: out + "/sample-01.png")
    #expect(image.width == 80 && image.height == 64)
    // The first sample as the trainer builds it: its box is drawn in its class's colour.
    let options = try command.trainOptions()
    let examples = TrainingExample.all(in: set.groundTruth, videos: set.videos)
    let first = examples[EpochOrder(count: examples.count, seed: options.seed).example(atSample: 0)]
    let sample = try SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: SyntheticSet.configuration(), augmentation: options.augmentation
    ).sample(first, seed: EpochOrder.mix(options.seed, 0))
    let box = try #require(sample.boxes.first)
    let colour = Palette.colour(forClass: set.groundTruth.labels[box.classes[0]])
    let y = Int((box.box.y1 + box.box.y2) / 2)
    let x = Int(box.box.x1.rounded())
    let edge = (max(0, x - 2)...min(79, x + 2)).map { xx -> [UInt8] in
      let p = (y * 80 + xx) * 3
      return Array(image.pixels[p..<p + 3])
    }
    #expect(edge.contains([colour.r, colour.g, colour.b]))
  }
}
