import Primitives
import Tensor

/// `Mixed_4e` of a whole video, computed once (``ActionDetector/ContextMode/shared``).
///
/// The video is padded like the per-clip mode (L/2 copies of the first frame before, copies of the
/// last frame after) into a sequence `P` where the clip of keyframe `k` is `P[k ..< k + L]`. The context
/// trunk runs over `P` in segments of ``segmentFrames`` frames plus ``marginFrames`` of context on
/// each side (so the trunk's activations stay bounded; steps within the margin of a segment's edges
/// are discarded), and keyframe `k` gets the `L/4` steps starting at `round(k / 4)`, i.e. frames
/// `P[4·round(k/4) ..< 4·round(k/4) + L]`: the per-clip window shifted by at most 2 frames.
///
/// This type holds the frames and the `Mixed_4e` of the whole video (about 1 MB per 4 frames at
/// 320×400): fine for clips. ``SharedContextStream`` computes the same segments, and so the same
/// windows, while the video is read, holding only what later keyframes need; `detect` uses it.
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

  /// Runs `detector`'s context trunk over the resized `frames` (all in memory; ``SharedContextStream``
  /// computes the same features while a video is read); `progress(done, total)` after each segment.
  public init(
    detector: ActionDetector, resizedFrames frames: [RGBImage], progress: (Int, Int) -> Void = { _, _ in }
  ) {
    precondition(!frames.isEmpty, "SharedContext: no frames")
    let length = detector.configuration.clipLength
    let steps = Self.paddedLength(frameCount: frames.count, clipLength: length) / 4
    let segmentSteps = Self.segmentFrames / 4
    let segments = (steps + segmentSteps - 1) / segmentSteps
    var stream = SharedContextStream(detector: detector)
    for frame in frames {
      let done = stream.segmentsComputed
      stream.append(frame)
      if stream.segmentsComputed > done { progress(stream.segmentsComputed, segments) }
    }
    stream.finish()
    progress(segments, segments)
    feature = Self.concatenateSteps(stream.segments.map(\.feature))
    windowSteps = length / 4
  }

  /// The `Mixed_4e` window `[1, 528, L/4, h, w]` of keyframe `k`.
  public func window(keyframe k: Int) -> Tensor {
    let start = min(Self.windowStart(keyframe: k), feature.shape[2] - windowSteps)
    return Self.steps(feature, from: start, count: windowSteps)
  }

  /// Length of the padded sequence `P` of a video of `frameCount` frames and clips of `clipLength`:
  /// long enough for the last window after rounding (+4), and a multiple of 4.
  public static func paddedLength(frameCount: Int, clipLength: Int) -> Int {
    ((frameCount + clipLength + 4 + 3) / 4) * 4
  }

  /// First `Mixed_4e` step of keyframe `k`'s window before clamping to the video's end: `round(k/4)`
  /// (halves rounded up).
  public static func windowStart(keyframe k: Int) -> Int {
    Int((Double(k) / 4).rounded())
  }

  /// Steps of segment `index`: kept `first ..< last`, computed over `from ..< to` (with the margins);
  /// nil past the end. `totalSteps` nil: the video's end is not known yet (no segment is cut).
  static func segment(_ index: Int, totalSteps: Int?) -> (first: Int, last: Int, from: Int, to: Int)? {
    let segmentSteps = segmentFrames / 4
    let marginSteps = marginFrames / 4
    let steps = totalSteps ?? Int.max
    let first = index * segmentSteps
    guard first < steps else { return nil }
    let last = min(first + segmentSteps, steps)
    return (first, last, max(first - marginSteps, 0), min(last + marginSteps, steps))
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
