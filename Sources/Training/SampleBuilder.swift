import Detection
import Flow
import Foundation
import Media
import Primitives
import Tensor

/// Builds training samples: reads the keyframe's clip from the frames root, resizes it to the
/// detector's input exactly as `detect` does (clip indices clamped at the video ends), applies the
/// sample's augmentation and maps its boxes to input pixels.
///
/// For a flow stream (``DetectorConfiguration/contextStream`` `.flow`) the keyframe is still the RGB
/// frame, and the clip is made of flow frames read from ``flowRoot`` (`<root>/<video id>/x_00001.jpg`,
/// `y_00001.jpg`, … as `flow` writes them, or MMAction's `flow_x_00001.jpg`): clip frame `i` uses
/// pair `min(i + 1, frames − 1)` (``FlowFrame/pair(forFrame:frameCount:)``), augmented with the
/// sample's zoom and flip (which negates the x flow) and no colour jitter.
///
/// With ``Augmentation/timeReversal`` a sample drawn to be reversed, whose classes all have
/// partners, gets its clip backwards (``TimeReversal/reversedClipIndices(keyframe:frameCount:clipLength:)``)
/// and its boxes the partner classes; the keyframe is the same frame. A repeated keyframe
/// (``DetectorConfiguration/ContextFrames/keyframe``) is its own reverse: only the labels change.
public struct SampleBuilder: Sendable {
  /// Root holding `<video id>/00001.png …`.
  public var framesRoot: String
  /// Frames per video (from ``FramesRootCheck``).
  public var frameCounts: [String: Int]
  /// Network input height.
  public var inputHeight: Int
  /// Network input width.
  public var inputWidth: Int
  /// Clip length.
  public var clipLength: Int
  /// The clip around the keyframe, or the keyframe repeated.
  public var contextFrames: DetectorConfiguration.ContextFrames
  /// Augmentation settings.
  public var augmentation: Augmentation
  /// What the context clip holds: RGB frames or flow frames.
  public var contextStream: ContextStream
  /// Root of the stored flow, `<root>/<video id>/x_00001.jpg …` (flow streams only).
  public var flowRoot: String?

  /// A builder for a detector of `configuration`; `flowRoot` holds the stored flow of a flow stream.
  public init(
    framesRoot: String, frameCounts: [String: Int], configuration: DetectorConfiguration,
    augmentation: Augmentation, flowRoot: String? = nil
  ) {
    self.contextStream = configuration.contextStream
    self.flowRoot = flowRoot
    self.framesRoot = framesRoot
    self.frameCounts = frameCounts
    self.inputHeight = configuration.inputHeight
    self.inputWidth = configuration.inputWidth
    self.clipLength = configuration.clipLength
    self.contextFrames = configuration.contextFrames
    self.augmentation = augmentation
  }

  /// The clip of keyframe `k` in a video of `count` frames, exactly as `detect` picks it.
  public func clipIndices(keyframe k: Int, frameCount count: Int) -> [Int] {
    ActionDetector.clipIndices(keyframe: k, frameCount: count, clipLength: clipLength, frames: contextFrames)
  }

  /// The batch-norm calibration set: the first `count` (at most all) of `examples` in the seeded
  /// order of `seed`, sample `i` augmented with the seed `EpochOrder.mix(seed, i)`.
  public func calibrationSamples(of examples: [TrainingExample], count: Int, seed: UInt64) throws
    -> [DetectorTrainingSample]
  {
    let order = EpochOrder(count: examples.count, seed: seed)
    return try (0..<min(count, examples.count)).map { i in
      try sample(examples[order.example(atSample: i)], seed: EpochOrder.mix(seed, UInt64(i)))
    }
  }

  /// The sample of `example`, its augmentation drawn with `seed`.
  public func sample(_ example: TrainingExample, seed: UInt64) throws -> DetectorTrainingSample {
    var generator = SplitMix64(seed: seed)
    let draw = augmentation.draw(&generator)
    let path = "\(framesRoot)/\(example.video)"
    let count = frameCounts[example.video] ?? 0
    let reversal = augmentation.timeReversal.flatMap { draw.reverse && $0.covers(example.boxes) ? $0 : nil }
    let indices =
      reversal != nil && contextFrames == .clip
      ? TimeReversal.reversedClipIndices(
        keyframe: example.keyframe, frameCount: count, clipLength: clipLength)
      : clipIndices(keyframe: example.keyframe, frameCount: count)
    let flow = contextStream == .flow
    let wanted = Set(flow ? [example.keyframe] : indices + [example.keyframe])
    let last = wanted.max() ?? 0
    var frames: [Int: RGBImage] = [:]
    var source = (width: 0, height: 0)
    do {
      let reader = try VideoReader(path: path)
      source = (reader.width, reader.height)
      while reader.nextFrameIndex <= last {
        let i = reader.nextFrameIndex
        guard wanted.contains(i) else {
          // Frames before the clip: a folder's images are not read, a video's not converted.
          guard try reader.skipFrame() else { break }
          continue
        }
        guard let frame = try reader.nextFrame() else { break }
        frames[i] = draw.apply(frame, width: inputWidth, height: inputHeight)
      }
    } catch {
      throw TrainingError.unreadableFrame(video: example.video, detail: "\(error)")
    }
    guard wanted.allSatisfy({ frames[$0] != nil }) else {
      throw TrainingError.unreadableFrame(
        video: example.video, detail: "\(path): frame \(last + 1) missing (\(frames.count) of the clip read)")
    }
    let boxes = (reversal?.relabelled(example.boxes) ?? example.boxes).compactMap { labelled in
      draw.map(
        labelled.box, sourceWidth: source.width, sourceHeight: source.height, width: inputWidth,
        height: inputHeight
      ).map { LabelledBox(box: $0, classes: labelled.classes) }
    }
    let clip =
      flow
      ? try flowClip(video: example.video, indices: indices, frameCount: count, draw: draw)
      : indices.map { frames[$0]! }
    return DetectorTrainingSample(
      keyframe: FrameResizer.tensor([frames[example.keyframe]!], video: false),
      clip: FrameResizer.tensor(clip, video: true), boxes: boxes)
  }

  /// The flow frames of clip `indices` of `video` (`frameCount` frames), augmented by `draw`.
  func flowClip(video: String, indices: [Int], frameCount: Int, draw: Augmentation.Draw) throws -> [RGBImage]
  {
    let folder = "\(flowRoot ?? "")/\(video)"
    let reader = FlowImageReader.detectingNames(folder: folder)
    var read: [Int: RGBImage] = [:]
    return try indices.map { i in
      let pair = FlowFrame.pair(forFrame: i, frameCount: frameCount)
      if let frame = read[pair] { return frame }
      do {
        let frame = draw.apply(
          try reader.frame(pair: pair), width: inputWidth, height: inputHeight, flow: true)
        read[pair] = frame
        return frame
      } catch {
        throw TrainingError.missingFlow(video: video, path: folder, detail: "pair \(pair): \(error)")
      }
    }
  }
}
