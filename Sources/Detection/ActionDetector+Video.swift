import Primitives
import Tensor

extension ActionDetector {
  /// Indices of the clip of keyframe `k` in a video of `count` frames (edge frames repeated; `k`
  /// alone, repeated, when the configuration's ``DetectorConfiguration/contextFrames`` is `.keyframe`).
  public func clipIndices(keyframe k: Int, frameCount count: Int) -> [Int] {
    Self.clipIndices(
      keyframe: k, frameCount: count, clipLength: configuration.clipLength,
      frames: configuration.contextFrames)
  }

  /// The clip of keyframe `k` as `frames` asks: ``clipIndices(keyframe:frameCount:clipLength:)`` for
  /// `.clip`, `k` repeated `clipLength` times for `.keyframe`.
  public static func clipIndices(
    keyframe k: Int, frameCount count: Int, clipLength: Int, frames: DetectorConfiguration.ContextFrames
  ) -> [Int] {
    switch frames {
    case .clip: return clipIndices(keyframe: k, frameCount: count, clipLength: clipLength)
    case .keyframe: return [Int](repeating: k, count: clipLength)
    }
  }

  /// The 0-based frames of the `clipLength`-frame clip centred on keyframe `k` (frames
  /// `k − clipLength/2 …`), clamped to `0 ..< count` at the video's ends.
  public static func clipIndices(keyframe k: Int, frameCount count: Int, clipLength: Int) -> [Int] {
    let half = clipLength / 2
    return (0..<clipLength).map { min(max(k - half + $0, 0), count - 1) }
  }

  /// Frames resized to the network input (RGB8), in order.
  public func resized(_ frames: [RGBImage]) -> [RGBImage] {
    frames.map { resized($0) }
  }

  /// One frame resized to the network input (RGB8).
  public func resized(_ frame: RGBImage) -> RGBImage {
    FrameResizer.resize(frame, width: configuration.inputWidth, height: configuration.inputHeight)
  }

  /// Per-clip context feature `Mixed_4e` of keyframe `k` in a video of `frameCount` frames
  /// (``ContextMode/perClip``); `resizedFrame(i)` returns frame `i` already ``resized(_:)-(RGBImage)``.
  public func clipContextFeature(
    keyframe k: Int, frameCount: Int, resizedFrame: (Int) -> RGBImage
  ) -> Tensor {
    contextFeature(
      FrameResizer.tensor(clipIndices(keyframe: k, frameCount: frameCount).map(resizedFrame), video: true))
  }

  /// Detections of keyframe `k` in source pixels, from frames already ``resized(_:)-([RGBImage])``,
  /// `sourceWidth` × `sourceHeight` being the original frame size.
  ///
  /// `mixed4e` is the keyframe's context feature (from ``SharedContext``), or nil to run the context
  /// trunk on the keyframe's own clip.
  public func detect(
    keyframe k: Int, resizedFrames frames: [RGBImage], sourceWidth: Int, sourceHeight: Int,
    mixed4e: Tensor? = nil
  ) -> [DetectedAction] {
    let context =
      mixed4e ?? clipContextFeature(keyframe: k, frameCount: frames.count) { frames[$0] }
    return detect(
      resizedKeyframe: frames[k], mixed4e: context, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
  }

  /// Detections in source pixels of one keyframe already ``resized(_:)-(RGBImage)``, given its
  /// context feature `mixed4e` `[1, 528, L/4, H/16, W/16]`; the source frame is `sourceWidth` ×
  /// `sourceHeight`.
  public func detect(
    resizedKeyframe: RGBImage, mixed4e: Tensor, sourceWidth: Int, sourceHeight: Int
  ) -> [DetectedAction] {
    let key = keyframeFeature(FrameResizer.tensor([resizedKeyframe], video: false))
    return toSource(
      detect(keyframeFeature: key, mixed4e: mixed4e), sourceWidth: sourceWidth, sourceHeight: sourceHeight)
  }

  /// Detections in network-input pixels scaled to a `sourceWidth` × `sourceHeight` frame and clipped.
  public func toSource(_ found: [DetectedAction], sourceWidth: Int, sourceHeight: Int) -> [DetectedAction] {
    let sx = Float(sourceWidth) / Float(configuration.inputWidth)
    let sy = Float(sourceHeight) / Float(configuration.inputHeight)
    return found.map {
      DetectedAction(
        box: $0.box.scaled(x: sx, y: sy).clipped(width: Float(sourceWidth), height: Float(sourceHeight)),
        classIndex: $0.classIndex, score: $0.score)
    }
  }
}
