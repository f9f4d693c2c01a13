import Detection
import Primitives
import Tensor

/// The whole-video detection `detect` ran before it streamed, kept as the reference the streaming
/// path must match exactly: every frame resized up front, `Mixed_4e` of the whole padded video from
/// the original segment loop of `SharedContext`, each keyframe detected on the full frame array.
enum WholeVideoReference {
  /// Detections of every frame of `frames` taken as a keyframe (a keyframe's detections do not
  /// depend on the keyframe stride), in source pixels.
  static func detections(
    _ detector: ActionDetector, frames: [RGBImage], mode: ActionDetector.ContextMode
  ) -> [[DetectedAction]] {
    let resized = detector.resized(frames)
    let feature = mode == .shared ? sharedFeature(detector, resizedFrames: resized) : nil
    let windowSteps = detector.configuration.clipLength / 4
    return frames.indices.map { k in
      let window = feature.map {
        steps($0, from: min(Int((Double(k) / 4).rounded()), $0.shape[2] - windowSteps), count: windowSteps)
      }
      return detector.detect(
        keyframe: k, resizedFrames: resized, sourceWidth: frames[0].width, sourceHeight: frames[0].height,
        mixed4e: window)
    }
  }

  /// `Mixed_4e` of the padded video, as the original `SharedContext.init` computed it.
  static func sharedFeature(_ detector: ActionDetector, resizedFrames frames: [RGBImage]) -> Tensor {
    let length = detector.configuration.clipLength
    let half = length / 2
    let padded = ((frames.count + length + 4 + 3) / 4) * 4
    let source = (0..<padded).map { frames[min(max($0 - half, 0), frames.count - 1)] }
    let steps = padded / 4
    let (segmentSteps, marginSteps) = (48 / 4, 8 / 4)
    var slices: [Tensor] = []
    for segment in 0..<((steps + segmentSteps - 1) / segmentSteps) {
      let first = segment * segmentSteps
      let last = min(first + segmentSteps, steps)
      let from = max(first - marginSteps, 0)
      let to = min(last + marginSteps, steps)
      let y = detector.contextFeature(FrameResizer.tensor(Array(source[(4 * from)..<(4 * to)]), video: true))
      slices.append(Self.steps(y, from: first - from, count: last - first))
    }
    return concatenate(slices)
  }

  /// Steps `from ..< from + count` of `[1, C, T, H, W]`.
  static func steps(_ x: Tensor, from: Int, count: Int) -> Tensor {
    let (c, t, plane) = (x.shape[1], x.shape[2], x.shape[3] * x.shape[4])
    let s = x.scalars
    var out: [Float] = []
    out.reserveCapacity(c * count * plane)
    for ch in 0..<c { out += s[((ch * t + from) * plane)..<((ch * t + from + count) * plane)] }
    return Tensor(shape: [1, c, count, x.shape[3], x.shape[4]], scalars: out)
  }

  /// Concatenation along T of `[1, C, Ti, H, W]` tensors.
  static func concatenate(_ parts: [Tensor]) -> Tensor {
    let (c, h, w) = (parts[0].shape[1], parts[0].shape[3], parts[0].shape[4])
    let total = parts.reduce(0) { $0 + $1.shape[2] }
    let all = parts.map(\.scalars)
    var out: [Float] = []
    out.reserveCapacity(c * total * h * w)
    for ch in 0..<c {
      for (part, s) in zip(parts, all) {
        let n = part.shape[2] * h * w
        out += s[(ch * n)..<((ch + 1) * n)]
      }
    }
    return Tensor(shape: [1, c, total, h, w], scalars: out)
  }
}
