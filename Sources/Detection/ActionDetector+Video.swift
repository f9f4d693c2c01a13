import Primitives
import Tensor

extension ActionDetector {
  /// Indices of the clip of keyframe `k` in a video of `count` frames (edge frames repeated).
  public func clipIndices(keyframe k: Int, frameCount count: Int) -> [Int] {
    let half = configuration.clipLength / 2
    return (0..<configuration.clipLength).map { min(max(k - half + $0, 0), count - 1) }
  }

  /// Frames resized to the network input (RGB8), in order.
  public func resized(_ frames: [RGBImage]) -> [RGBImage] {
    frames.map { FrameResizer.resize($0, width: configuration.inputWidth, height: configuration.inputHeight) }
  }

  /// Detections of keyframe `k` in source pixels, from frames already ``resized(_:)``,
  /// `sourceWidth` × `sourceHeight` being the original frame size.
  ///
  /// `mixed4e` is the keyframe's context feature (from ``SharedContext``), or nil to run the context
  /// trunk on the keyframe's own clip.
  public func detect(
    keyframe k: Int, resizedFrames frames: [RGBImage], sourceWidth: Int, sourceHeight: Int,
    mixed4e: Tensor? = nil
  ) -> [DetectedAction] {
    let key = keyframeFeature(FrameResizer.tensor([frames[k]], video: false))
    let context =
      mixed4e
      ?? contextFeature(
        FrameResizer.tensor(
          clipIndices(keyframe: k, frameCount: frames.count).map { frames[$0] }, video: true))
    let sx = Float(sourceWidth) / Float(configuration.inputWidth)
    let sy = Float(sourceHeight) / Float(configuration.inputHeight)
    return detect(keyframeFeature: key, mixed4e: context).map {
      DetectedAction(
        box: $0.box.scaled(x: sx, y: sy).clipped(width: Float(sourceWidth), height: Float(sourceHeight)),
        classIndex: $0.classIndex, score: $0.score)
    }
  }
}
