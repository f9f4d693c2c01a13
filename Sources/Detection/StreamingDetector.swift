import Primitives
import Tensor

/// Detects actions on a video fed one source frame at a time, holding only a bounded window of it.
///
/// Keyframes are frames `0, every, 2·every, …`; each is detected as soon as the frames its context
/// needs have arrived (per-clip: its L-frame clip; shared: the ``SharedContextStream`` segments of
/// its window), and ``append(_:)`` / ``finish()`` return the keyframes completed, in order. The
/// detections are exactly those of ``ActionDetector/detect(keyframe:resizedFrames:sourceWidth:sourceHeight:mixed4e:)``
/// on the whole resized video (with ``SharedContext`` in shared mode): same inputs, same floats.
///
/// ```swift
/// var stream = StreamingDetector(detector: detector, every: 4, contextMode: .shared,
///                                sourceWidth: reader.width, sourceHeight: reader.height)
/// while let frame = try reader.nextFrame() {
///   for keyframe in stream.append(frame) { print(keyframe.index, keyframe.detections.count) }
/// }
/// for keyframe in stream.finish() { print(keyframe.index, keyframe.detections.count) }
/// ```
///
/// Memory: the resized frames from the next keyframe (per-clip: from its clip's first frame) to the
/// newest one, which in shared mode is at most ``SharedContext/segmentFrames`` + 2 ·
/// ``SharedContext/marginFrames`` = 64 frames (the same buffers the ``SharedContextStream`` holds,
/// plus its at most three 12-step segments of `Mixed_4e`), and in per-clip mode at most one clip (L
/// frames), whatever the video's length and ``every``. Source frames are not kept. A two-stream
/// detection (``init(fusion:every:contextMode:sourceWidth:sourceHeight:)``) holds the same again
/// for the flow stream's context.
public struct StreamingDetector: Sendable {
  /// The detections of one keyframe, in source pixels.
  public struct Keyframe: Sendable, Equatable {
    /// 0-based frame index of the keyframe.
    public var index: Int
    /// Its detections (best first, as ``PostProcessing`` orders them).
    public var detections: [DetectedAction]

    /// Keyframe `index` with its `detections`.
    public init(index: Int, detections: [DetectedAction]) {
      self.index = index
      self.detections = detections
    }
  }

  /// The detector (with ``fusion``: its RGB detector).
  public let detector: ActionDetector
  /// Two-stream detection (nil: one stream): then flow frames go in through ``appendFlow(_:)``
  /// and each keyframe's scores are fused (``TwoStreamFusion``).
  public let fusion: TwoStreamFusion?
  /// Every N-th frame is a keyframe.
  public let every: Int
  /// Context trunk mode.
  public let contextMode: ActionDetector.ContextMode
  /// Source frame width in pixels (detections are scaled back to it).
  public let sourceWidth: Int
  /// Source frame height in pixels.
  public let sourceHeight: Int
  /// Frames appended so far (the video's length once finished).
  public private(set) var frameCount = 0
  /// The next keyframe to detect.
  public private(set) var nextKeyframe = 0
  /// Resized frames still needed by undetected keyframes.
  private(set) var frames = FrameWindow()
  /// Shared-mode context features.
  private(set) var context: SharedContextStream?
  /// The flow stream's context (two-stream detection only).
  private(set) var flow: StreamContext?
  private var finished = false

  /// A stream detecting on every `every`-th frame of `sourceWidth` × `sourceHeight` frames.
  public init(
    detector: ActionDetector, every: Int, contextMode: ActionDetector.ContextMode, sourceWidth: Int,
    sourceHeight: Int
  ) {
    self.init(
      detector: detector, fusion: nil, every: every, contextMode: contextMode, sourceWidth: sourceWidth,
      sourceHeight: sourceHeight)
  }

  /// A two-stream detection (``TwoStreamFusion``): RGB frames go in through ``append(_:)``, flow
  /// frames (``ContextStream``; frame `i` uses the flow leaving frame `i`) through
  /// ``appendFlow(_:)``, one per RGB frame, all of them before ``finish()``. The flow context runs
  /// in the same mode as the RGB one: shared only when both detectors can share (``flowContextMode``).
  public init(
    fusion: TwoStreamFusion, every: Int, contextMode: ActionDetector.ContextMode, sourceWidth: Int,
    sourceHeight: Int
  ) {
    self.init(
      detector: fusion.rgb, fusion: fusion, every: every, contextMode: contextMode, sourceWidth: sourceWidth,
      sourceHeight: sourceHeight)
  }

  private init(
    detector: ActionDetector, fusion: TwoStreamFusion?, every: Int, contextMode: ActionDetector.ContextMode,
    sourceWidth: Int, sourceHeight: Int
  ) {
    self.detector = detector
    self.fusion = fusion
    self.every = max(every, 1)
    self.sourceWidth = sourceWidth
    self.sourceHeight = sourceHeight
    self.contextMode = detector.contextMode(requested: contextMode)
    let shares = self.contextMode == .shared
    context = shares ? SharedContextStream(detector: detector) : nil
    // The flow context shares its window only when both streams can: one mode for the pair.
    flow = fusion.map {
      StreamContext(
        detector: $0.flow, shared: shares && $0.flow.contextMode(requested: contextMode) == .shared)
    }
  }

  /// The flow stream's context mode (two-stream detection; nil with one stream): shared only when
  /// both detectors can share (``ActionDetector/contextMode(requested:)``), per clip otherwise.
  public var flowContextMode: ActionDetector.ContextMode? {
    flow.map { $0.isShared ? .shared : .perClip }
  }

  /// Flow frames appended so far (two-stream detection).
  public var flowFrameCount: Int { flow?.frameCount ?? 0 }

  /// Adds the flow frame of the next frame index (source size, packed as ``ContextStream`` says);
  /// returns the keyframes it completes, in order.
  public mutating func appendFlow(_ frame: RGBImage) -> [Keyframe] {
    precondition(fusion != nil && !finished, "StreamingDetector.appendFlow without fusion or after finish()")
    flow?.append(detector.resized(frame))
    return detectReady()
  }

  /// Adds the next source frame; returns the keyframes it completes, in order.
  public mutating func append(_ frame: RGBImage) -> [Keyframe] {
    precondition(!finished, "StreamingDetector.append after finish()")
    let resized = detector.resized(frame)
    frames.append(resized)
    context?.append(resized)
    frameCount += 1
    return detectReady()
  }

  /// Marks the end of the video (the end padding repeats its last frame); returns the remaining
  /// keyframes, in order.
  public mutating func finish() -> [Keyframe] {
    guard !finished else { return [] }
    finished = true
    context?.finish()
    if flow != nil {
      precondition(
        flowFrameCount == frameCount,
        "StreamingDetector.finish: \(flowFrameCount) flow frames for \(frameCount) frames")
      flow?.finish()
    }
    return detectReady()
  }

  /// Detects every keyframe whose inputs are complete.
  private mutating func detectReady() -> [Keyframe] {
    var done: [Keyframe] = []
    while nextKeyframe < frameCount, let mixed4e = contextFeature(keyframe: nextKeyframe) {
      let k = nextKeyframe
      let found: [DetectedAction]
      if let fusion {
        guard let flowMixed4e = flow?.feature(keyframe: k) else { break }
        found = fusion.detect(
          resizedKeyframe: frames[k], rgbMixed4e: mixed4e, flowMixed4e: flowMixed4e, sourceWidth: sourceWidth,
          sourceHeight: sourceHeight)
      } else {
        found = detector.detect(
          resizedKeyframe: frames[k], mixed4e: mixed4e, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
      }
      done.append(Keyframe(index: k, detections: found))
      nextKeyframe += every
      context?.discard(before: nextKeyframe)
      flow?.release(before: nextKeyframe)
    }
    // Between keyframes (every > 1) only the next keyframe (and, per clip, its clip) is kept.
    let half = detector.configuration.clipLength / 2
    frames.drop(below: contextMode == .shared ? nextKeyframe : nextKeyframe - half)
    return done
  }

  /// `Mixed_4e` of keyframe `k`, or nil while frames it needs have not arrived.
  private func contextFeature(keyframe k: Int) -> Tensor? {
    if let context { return context.window(keyframe: k) }
    let length = detector.configuration.clipLength
    // Before the end, the clip must be complete (then no index is clamped at the end either way).
    guard finished || k - length / 2 + length <= frameCount else { return nil }
    return detector.clipContextFeature(keyframe: k, frameCount: frameCount) { frames[$0] }
  }
}
