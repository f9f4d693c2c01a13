import Detection
import Foundation
import Networks
import Primitives
import Testing

@testable import Training

/// Samples are built as `detect` builds its input; augmentation moves boxes with the pixels.
@Suite struct SampleBuilderTests {
  @Test(arguments: DetectorConfiguration.ContextFrames.allCases)
  func clipIndicesAreDetectors(frames: DetectorConfiguration.ContextFrames) throws {
    var configuration = SyntheticSet.configuration()
    configuration.contextFrames = frames
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try ActionDetector(weights: &weights, configuration: configuration)
    let builder = SampleBuilder(
      framesRoot: "", frameCounts: [:], configuration: configuration, augmentation: .none)
    for count in [1, 3, 8, 20] {
      for k in 0..<count {
        let indices = builder.clipIndices(keyframe: k, frameCount: count)
        #expect(indices == detector.clipIndices(keyframe: k, frameCount: count))
        if frames == .keyframe { #expect(indices == [Int](repeating: k, count: configuration.clipLength)) }
      }
    }
  }

  @Test func staticContextSampleRepeatsTheKeyframe() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    var configuration = SyntheticSet.configuration()
    configuration.contextFrames = .keyframe
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: configuration, augmentation: .none)
    let sample = try builder.sample(TrainingExample.all(in: set.groundTruth, videos: set.videos)[5], seed: 1)
    let plane = 64 * 80
    let clip = sample.clip.scalars
    let key = sample.keyframe.scalars
    for c in 0..<3 {
      for t in 0..<8 {
        let start = (c * 8 + t) * plane
        #expect(Array(clip[start..<start + plane]) == Array(key[c * plane..<(c + 1) * plane]))
      }
    }
  }

  @Test func unaugmentedSampleIsTheDetectorsInput() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8, width: 120, height: 90)
    defer { set.remove() }
    let configuration = SyntheticSet.configuration()
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: configuration, augmentation: .none)
    let example = TrainingExample.all(in: set.groundTruth, videos: set.videos)[2]
    let sample = try builder.sample(example, seed: 5)
    #expect(sample.keyframe.shape == [1, 3, 64, 80])
    #expect(sample.clip.shape == [1, 3, 8, 64, 80])
    let box = example.boxes[0].box.scaled(x: 80 / 120, y: 64 / 90)
    #expect(sample.boxes == [LabelledBox(box: box, classes: example.boxes[0].classes)])
  }

  @Test func flipMirrorsPixelsAndBoxes() throws {
    var draw = Augmentation.Draw()
    draw.flip = true
    var image = RGBImage(width: 80, height: 64)
    image.pixels[0] = 255  // (0, 0) red
    let out = draw.apply(image, width: 80, height: 64)
    #expect(out[79, 0].r == 255)
    let box = draw.map(
      Box(x1: 10, y1: 5, x2: 30, y2: 20), sourceWidth: 80, sourceHeight: 64, width: 80, height: 64)
    #expect(box == Box(x1: 50, y1: 5, x2: 70, y2: 20))
  }

  @Test func epochOrderIsAPermutationPerEpoch() {
    let order = EpochOrder(count: 7, seed: 3)
    for epoch in 0..<3 {
      #expect(order.permutation(epoch: epoch).sorted() == Array(0..<7))
    }
    #expect(order.permutation(epoch: 0) != order.permutation(epoch: 1))
    #expect((0..<7).map { order.example(atSample: 7 + $0) } == order.permutation(epoch: 1))
  }

  @Test func scheduleWarmsUpThenSteps() {
    let s = LearningRateSchedule(
      base: 1, warmupSteps: 10, warmupFactor: 0.1, decay: .steps(milestones: [20, 30], gamma: 0.1),
      totalSteps: 40)
    #expect(abs(s.rate(atStep: 0) - 0.1) < 1e-6)
    #expect(abs(s.rate(atStep: 5) - 0.55) < 1e-6)
    #expect(s.rate(atStep: 10) == 1)
    #expect(abs(s.rate(atStep: 25) - 0.1) < 1e-6)
    #expect(abs(s.rate(atStep: 35) - 0.01) < 1e-6)
    let c = LearningRateSchedule(base: 2, warmupSteps: 0, decay: .cosine, totalSteps: 10)
    #expect(c.rate(atStep: 0) == 2)
    #expect(abs(c.rate(atStep: 5) - 1) < 1e-6)
  }
}
