import Primitives
import Tensor

/// `Mixed_4e` of a whole video, computed once (``ActionDetector/ContextMode/shared``).
///
/// The video is padded like the per-clip mode (L/2 copies of the first frame before, copies of the
/// last frame after) into a sequence `P` where the clip of keyframe `k` is `P[k ..< k + L]`. The context
/// trunk runs over `P` in segments of ``segmentFrames`` frames plus ``marginFrames`` of context on
/// each side (so memory stays bounded; steps within the margin of a segment's edges are discarded),
/// and keyframe `k` gets the `L/4` steps starting at `round(k / 4)`, i.e. frames
/// `P[4·round(k/4) ..< 4·round(k/4) + L]`: the per-clip window shifted by at most 2 frames.
///
/// Measured against per-clip mode (eval/BENCHMARKS.md, seeded weights, a UCF-101-24 clip): the
/// window differs by ~29 % mean absolute relative difference (max-abs ratio ~0.69) even at offset 0,
/// because every step of a 20-frame clip is within the trunk's receptive field of the clip edges
/// (zero padding per clip, real frames here); 85–91 % of the per-clip detections keep a same-class
/// match at IoU ≥ 0.5.
public struct SharedContext: Sendable {
  /// `Mixed_4e` over the padded video `[1, 528, S, H/16, W/16]`.
  public let feature: Tensor
  /// Steps per keyframe window (`L / 4`).
  public let windowSteps: Int
  /// Frames per segment (a multiple of 4).
  public static let segmentFrames = 48
  /// Context frames on each side of a segment (a multiple of 4).
  public static let marginFrames = 8

  /// Runs `detector`'s context trunk over the resized `frames`; `progress(done, total)` after each segment.
  public init(
    detector: ActionDetector, resizedFrames frames: [RGBImage], progress: (Int, Int) -> Void = { _, _ in }
  ) {
    let length = detector.configuration.clipLength
    let half = length / 2
    // P[i] = frame clamp(i − half); long enough for the last window after rounding (+4) and a multiple of 4.
    let padded = ((frames.count + length + 4 + 3) / 4) * 4
    let source = (0..<padded).map { frames[min(max($0 - half, 0), frames.count - 1)] }
    let steps = padded / 4
    let segmentSteps = Self.segmentFrames / 4
    let marginSteps = Self.marginFrames / 4
    var slices: [Tensor] = []
    let segments = (steps + segmentSteps - 1) / segmentSteps
    for segment in 0..<segments {
      let first = segment * segmentSteps
      let last = min(first + segmentSteps, steps)
      let from = max(first - marginSteps, 0)
      let to = min(last + marginSteps, steps)
      let clip = FrameResizer.tensor(Array(source[(4 * from)..<(4 * to)]), video: true)
      let y = detector.contextFeature(clip)
      slices.append(Self.steps(y, from: first - from, count: last - first))
      progress(segment + 1, segments)
    }
    feature = Self.concatenateSteps(slices)
    windowSteps = length / 4
  }

  /// The `Mixed_4e` window `[1, 528, L/4, h, w]` of keyframe `k`.
  public func window(keyframe k: Int) -> Tensor {
    let start = min(Int((Double(k) / 4).rounded()), feature.shape[2] - windowSteps)
    return Self.steps(feature, from: start, count: windowSteps)
  }

  /// Steps `from ..< from + count` of `[1, C, T, H, W]`.
  static func steps(_ x: Tensor, from: Int, count: Int) -> Tensor {
    let (c, t, plane) = (x.shape[1], x.shape[2], x.shape[3] * x.shape[4])
    var y = Tensor(shape: [1, c, count, x.shape[3], x.shape[4]])
    x.withUnsafeBufferPointer { src in
      y.withUnsafeMutableBufferPointer { dst in
        for ch in 0..<c {
          let s = src.baseAddress! + (ch * t + from) * plane
          (dst.baseAddress! + ch * count * plane).update(from: s, count: count * plane)
        }
      }
    }
    return y
  }

  /// Concatenation along T of `[1, C, Ti, H, W]` tensors.
  static func concatenateSteps(_ parts: [Tensor]) -> Tensor {
    let (c, h, w) = (parts[0].shape[1], parts[0].shape[3], parts[0].shape[4])
    let total = parts.reduce(0) { $0 + $1.shape[2] }
    let plane = h * w
    var y = Tensor(shape: [1, c, total, h, w])
    y.withUnsafeMutableBufferPointer { dst in
      var offset = 0
      for part in parts {
        let t = part.shape[2]
        part.withUnsafeBufferPointer { src in
          for ch in 0..<c {
            (dst.baseAddress! + (ch * total + offset) * plane).update(
              from: src.baseAddress! + ch * t * plane, count: t * plane)
          }
        }
        offset += t
      }
    }
    return y
  }
}
