import Primitives
import Tensor

/// The context side of a second stream inside a ``StreamingDetector``: its own resized frames (flow
/// frames for a flow detector, see ``ContextStream``) and, in shared mode, its own
/// ``SharedContextStream``; the keyframe, the RPN and the detection stay the first stream's.
struct StreamContext: Sendable {
  /// The detector whose context trunk runs.
  let detector: ActionDetector
  /// Frames appended so far.
  private(set) var frameCount = 0
  /// Whether the stream's video has ended.
  private(set) var finished = false
  /// Resized frames still needed (per-clip mode).
  private var frames = FrameWindow()
  /// Shared-mode context features.
  private var shared: SharedContextStream?

  /// Whether the context runs once over a shared window (else per clip).
  var isShared: Bool { shared != nil }

  /// An empty stream of `detector`'s context, shared or per clip.
  init(detector: ActionDetector, shared: Bool) {
    self.detector = detector
    self.shared = shared ? SharedContextStream(detector: detector) : nil
  }

  /// Adds the next frame, already resized to the input.
  mutating func append(_ resized: RGBImage) {
    precondition(!finished, "StreamContext.append after finish()")
    if shared == nil { frames.append(resized) }
    shared?.append(resized)
    frameCount += 1
  }

  /// Marks the end of the stream's video.
  mutating func finish() {
    finished = true
    shared?.finish()
  }

  /// `Mixed_4e` of keyframe `k`, or nil while frames it needs have not arrived.
  func feature(keyframe k: Int) -> Tensor? {
    if let shared { return k < shared.frameCount || finished ? shared.window(keyframe: k) : nil }
    let length = detector.configuration.clipLength
    guard finished || k - length / 2 + length <= frameCount else { return nil }
    return detector.clipContextFeature(keyframe: k, frameCount: frameCount) { frames[$0] }
  }

  /// Forgets what no keyframe from `k` on needs.
  mutating func release(before k: Int) {
    shared?.discard(before: k)
    frames.drop(below: k - detector.configuration.clipLength / 2)
  }
}
