import Detection
import Foundation
import Media
import Primitives
import Tensor

/// Builds training samples: reads the keyframe's clip from the frames root, resizes it to the
/// detector's input exactly as `detect` does (clip indices clamped at the video ends), applies the
/// sample's augmentation and maps its boxes to input pixels.
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

  /// A builder for a detector of `configuration`.
  public init(
    framesRoot: String, frameCounts: [String: Int], configuration: DetectorConfiguration,
    augmentation: Augmentation
  ) {
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

  /// The sample of `example`, its augmentation drawn with `seed`.
  public func sample(_ example: TrainingExample, seed: UInt64) throws -> DetectorTrainingSample {
    var generator = SplitMix64(seed: seed)
    let draw = augmentation.draw(&generator)
    let path = "\(framesRoot)/\(example.video)"
    let count = frameCounts[example.video] ?? 0
    let indices = clipIndices(keyframe: example.keyframe, frameCount: count)
    let wanted = Set(indices + [example.keyframe])
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
    let boxes = example.boxes.compactMap { labelled in
      draw.map(
        labelled.box, sourceWidth: source.width, sourceHeight: source.height, width: inputWidth,
        height: inputHeight
      ).map { LabelledBox(box: $0, classes: labelled.classes) }
    }
    return DetectorTrainingSample(
      keyframe: FrameResizer.tensor([frames[example.keyframe]!], video: false),
      clip: FrameResizer.tensor(indices.map { frames[$0]! }, video: true), boxes: boxes)
  }
}
