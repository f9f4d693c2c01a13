import Primitives
import Tensor

/// ``SharedContext`` computed while the video is read: resized frames go in one at a time, and each
/// trunk segment runs as soon as the frames it covers (with its margins) have arrived.
///
/// The padded sequence, the segments and the windows are exactly those of ``SharedContext`` (same
/// trunk inputs, so the same floats), but only a bounded part of the video is held: the frames the
/// next segment still needs, and the segments holding steps that a keyframe not yet detected may
/// use (``discard(before:)``). The video's length is known only at ``finish()``, which runs the last
/// segments over the end padding (copies of the last frame).
///
/// ```swift
/// var context = SharedContextStream(detector: detector)
/// for frame in resizedFrames {
///   context.append(frame)
///   while next < context.frameCount, let window = context.window(keyframe: next) {
///     use(window)
///     next += 1
///     context.discard(before: next)
///   }
/// }
/// context.finish()  // then the remaining windows, up to keyframe frameCount − 1
/// ```
///
/// Memory: at most ``SharedContext/segmentFrames`` + 2 · ``SharedContext/marginFrames`` = 64 resized
/// frames and three segments of `Mixed_4e` (12 steps of `[528, H/16, W/16]` each, 12.7 MB at
/// 320×400), whatever the video's length.
public struct SharedContextStream: Sendable {
  /// The detector whose context trunk runs.
  public let detector: ActionDetector
  /// Steps per keyframe window (`L / 4`).
  public let windowSteps: Int
  /// Frames appended so far (the video's length once finished).
  public private(set) var frameCount = 0
  /// Steps of the padded video, known once ``finish()`` was called.
  public private(set) var totalSteps: Int?
  /// Steps computed so far (`0 ..< computedSteps`; the oldest may have been discarded).
  public private(set) var computedSteps = 0
  /// Segments computed so far.
  public private(set) var segmentsComputed = 0
  /// Resized frames held for the segments not yet computed.
  private(set) var frames = FrameWindow()
  /// Computed segments not yet discarded, oldest first: `Mixed_4e` steps `first ..< first + T`.
  private(set) var segments: [(first: Int, feature: Tensor)] = []

  /// An empty stream for `detector`'s context trunk.
  public init(detector: ActionDetector) {
    self.detector = detector
    windowSteps = detector.configuration.clipLength / 4
  }

  /// Adds the next resized frame and runs every segment it completes.
  public mutating func append(_ frame: RGBImage) {
    precondition(totalSteps == nil, "SharedContextStream.append after finish()")
    frames.append(frame)
    frameCount += 1
    runReadySegments()
  }

  /// Marks the end of the video and runs the remaining segments over the end padding.
  public mutating func finish() {
    guard totalSteps == nil else { return }
    totalSteps =
      SharedContext.paddedLength(frameCount: frameCount, clipLength: detector.configuration.clipLength) / 4
    guard frameCount > 0 else { return }
    runReadySegments()
  }

  /// The `Mixed_4e` window `[1, 528, L/4, h, w]` of keyframe `k` (steps from `round(k/4)`, as
  /// ``SharedContext/window(keyframe:)``), or nil while its steps are not all computed.
  ///
  /// Precondition: the steps were not discarded.
  public func window(keyframe k: Int) -> Tensor? {
    let start = windowStart(keyframe: k)
    guard start + windowSteps <= computedSteps else { return nil }
    var pieces: [Tensor] = []
    var next = start
    for segment in segments where segment.first + segment.feature.shape[2] > next {
      precondition(segment.first <= next, "SharedContextStream: window of keyframe \(k) was discarded")
      let count = min(start + windowSteps, segment.first + segment.feature.shape[2]) - next
      pieces.append(SharedContext.steps(segment.feature, from: next - segment.first, count: count))
      next += count
      if next == start + windowSteps { break }
    }
    precondition(next == start + windowSteps, "SharedContextStream: window of keyframe \(k) was discarded")
    return pieces.count == 1 ? pieces[0] : SharedContext.concatenateSteps(pieces)
  }

  /// Forgets the segments that no keyframe from `k` on can use.
  public mutating func discard(before k: Int) {
    // Before the end is known, a later window may be clamped down to the last computed steps.
    let keep = min(SharedContext.windowStart(keyframe: k), computedSteps - windowSteps)
    segments.removeAll { $0.first + $0.feature.shape[2] <= keep }
  }

  /// First step of keyframe `k`'s window, clamped to the padded video once its length is known.
  private func windowStart(keyframe k: Int) -> Int {
    let start = SharedContext.windowStart(keyframe: k)
    guard let totalSteps else { return start }
    return min(start, totalSteps - windowSteps)
  }

  /// Runs each segment whose frames have all arrived (all remaining ones once finished).
  private mutating func runReadySegments() {
    let half = detector.configuration.clipLength / 2
    while let range = SharedContext.segment(segmentsComputed, totalSteps: totalSteps) {
      // Padded frame i is video frame clamp(i − half): before the end is known, segment s can run
      // once frame 4·to − 1 − half has arrived (its `to` is then not cut by the video's end).
      guard totalSteps != nil || frameCount >= 4 * range.to - half else { return }
      let clip = (4 * range.from..<4 * range.to).map { frames[min(max($0 - half, 0), frameCount - 1)] }
      let y = detector.contextFeature(FrameResizer.tensor(clip, video: true))
      let feature = SharedContext.steps(y, from: range.first - range.from, count: range.last - range.first)
      segments.append((range.first, feature))
      computedSteps = range.last
      segmentsComputed += 1
      if let next = SharedContext.segment(segmentsComputed, totalSteps: nil) {
        frames.drop(below: 4 * next.from - half)
      }
    }
  }
}
