import Detection
import Flow
import Foundation
import Media
import Networks
import Primitives
import Tensor
import Testing
import Training

@testable import Commands

/// Training a flow stream: flow clips (pairs, flip, no colour jitter), `train --stream flow`, errors.
@Suite struct FlowTrainingTests {
  /// ``writeFlow(_:)`` plus the set's ground truth as an ACT pickle: (flow root, pickle path).
  static func writeFlowAndPickle(_ set: SyntheticSet) throws -> (flowRoot: String, pickle: String) {
    let pickle = set.root + "/gt.pkl"
    try set.groundTruth.writeACTPickle(to: pickle)
    return (try writeFlow(set), pickle)
  }

  /// Stores the TV-L1 flow of every video of `set` under `<set root>/flow/<video id>/`, as `flow` does.
  static func writeFlow(_ set: SyntheticSet) throws -> String {
    let root = set.root + "/flow"
    for video in set.videos {
      try FileManager.default.createDirectory(atPath: "\(root)/\(video)", withIntermediateDirectories: true)
      _ = try VideoFlowExtractor().extract(
        from: try VideoReader(path: "\(set.root)/\(video)"), into: "\(root)/\(video)")
    }
    return root
  }

  static func flowConfiguration() -> DetectorConfiguration {
    var c = SyntheticSet.configuration()
    c.contextStream = .flow
    return c
  }

  @Test func flowClipUsesTheAlignedPairsAndFlipNegatesX() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let flowRoot = try Self.writeFlow(set)
    let counts = set.groundTruth.videos.mapValues(\.frameCount)
    let plain = SampleBuilder(
      framesRoot: set.root, frameCounts: counts, configuration: Self.flowConfiguration(), augmentation: .none,
      flowRoot: flowRoot)
    // Flip always on (no scale jitter), strong colour jitter that must not touch the flow.
    let augmentation = Augmentation(horizontalFlip: true, scaleJitter: 0, colourJitter: 0.5)
    var flipped = plain
    flipped.augmentation = augmentation
    var seed: UInt64 = 0
    while true {
      var generator = SplitMix64(seed: seed)
      if augmentation.draw(&generator).flip { break }
      seed += 1
    }
    let example = TrainingExample(video: set.videos[0], keyframe: 7, boxes: [])
    let a = try plain.sample(example, seed: seed)
    let b = try flipped.sample(example, seed: seed)
    let (t, h, w) = (8, 64, 80)
    #expect(a.clip.shape == [1, 3, t, h, w] && b.clip.shape == a.clip.shape)
    // Clip frame j of keyframe 7 (8 frames): frames 3…10 clamped to 3…7, pairs min(i + 1, 7).
    let reader = FlowImageReader(folder: "\(flowRoot)/\(set.videos[0])")
    let indices = ActionDetector.clipIndices(keyframe: 7, frameCount: 8, clipLength: 8)
    #expect(indices.map { FlowFrame.pair(forFrame: $0, frameCount: 8) } == [4, 5, 6, 7, 7, 7, 7, 7])
    let x = a.clip.scalars
    let y = b.clip.scalars
    let plane = h * w
    for (j, i) in indices.enumerated() {
      let stored = FrameResizer.resize(
        try reader.frame(pair: FlowFrame.pair(forFrame: i, frameCount: 8)), width: w, height: h)
      for p in 0..<plane {
        #expect(x[j * plane + p] == Float(stored.pixels[3 * p]))
        #expect(x[(t + j) * plane + p] == Float(stored.pixels[3 * p + 1]))
      }
      for row in 0..<h {
        for col in 0..<w {
          let (here, mirror) = (j * plane + row * w + col, j * plane + row * w + (w - 1 - col))
          #expect(y[here] == 255 - x[mirror])  // x flow negated: byte b → 255 − b
          #expect(y[t * plane + here] == x[t * plane + mirror])  // y flow only mirrored
        }
      }
    }
    // The keyframe is the RGB frame (flipped and colour-jittered), not flow.
    #expect(a.keyframe.shape == [1, 3, h, w] && a.keyframe.scalars.contains(40))
  }

  @Test func trainStreamFlowRunsAFewStepsFromScratch() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let (flowRoot, pickle) = try Self.writeFlowAndPickle(set)
    let run = set.root + "/run"
    let command = try Train.parse([
      "toy", "split1", "--gt", pickle, "--frames-root", set.root, "--scratch", "64x80,8,8,16,20", "--stream",
      "flow", "--flow-root", flowRoot, "--run", run, "--steps", "2", "--batch-size", "1",
      "--calibration-samples", "2", "--threads", "1",
    ])
    try command.run()
    var (configuration, _, weights) = try DetectorCheckpoint.open(path: run + "/final.safetensors")
    #expect(configuration.contextStream == .flow)
    #expect(weights.shape(of: "context.features.0.0.0.weight") == [8, 2, 1, 7, 7])
    #expect(
      try TrainableActionDetector(weights: &weights, configuration: configuration).configuration
        == configuration)
    let log = try String(contentsOfFile: run + "/log.csv", encoding: .utf8)
    #expect(log.split(separator: "\n").count == 3)
  }

  @Test func initFromAnRGBCheckpointInflatesItsStem() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let (flowRoot, pickle) = try Self.writeFlowAndPickle(set)
    let rgb = set.root + "/rgb.safetensors"
    try DetectorCheckpoint.writeSeeded(SyntheticSet.configuration(), seed: 4, to: rgb)
    let command = try Train.parse([
      "toy", "split1", "--gt", pickle, "--frames-root", set.root, "--init", rgb, "--stream", "flow",
      "--flow-root", flowRoot, "--run", set.root + "/run", "--steps", "1", "--batch-size", "1", "--threads",
      "1",
    ])
    try command.run()
    let (configuration, _, weights) = try DetectorCheckpoint.open(path: set.root + "/run/final.safetensors")
    #expect(configuration.contextStream == .flow)
    #expect(weights.shape(of: "context.features.0.0.0.weight") == [8, 2, 1, 7, 7])
  }

  @Test func missingFlowIsOneLineBeforeTraining() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let (flowRoot, pickle) = try Self.writeFlowAndPickle(set)
    func run(_ extra: [String]) throws {
      try Train.parse(
        [
          "toy", "split1", "--gt", pickle, "--frames-root", set.root, "--scratch", "64x80,8,8,16,20",
          "--run", set.root + "/run", "--steps", "1", "--threads", "1",
        ] + extra
      ).run()
    }
    #expect {
      try run(["--stream", "flow"])
    } throws: { "\($0)".contains("needs --flow-root") }
    #expect {
      try run(["--stream", "flow", "--flow-root", set.root + "/none"])
    } throws: { "\($0)".contains("none: flow of training video") && "\($0)".contains("flow root not found") }
    try FileManager.default.removeItem(atPath: "\(flowRoot)/\(set.videos[1])/y_00007.jpg")
    #expect {
      try run(["--stream", "flow", "--flow-root", flowRoot])
    } throws: { error in
      let text = "\(error)"
      return text.contains(set.videos[1]) && text.contains("missing y_00007.jpg") && !text.contains("\n")
    }
    #expect(!FileManager.default.fileExists(atPath: set.root + "/run"))
    #expect(throws: (any Error).self) {
      _ = try Train.parse([
        "toy", "split1", "--frames-root", "f", "--scratch", "64x80,8,8,16,20", "--run", "r", "--stream",
        "depth",
      ])
    }
  }
}
