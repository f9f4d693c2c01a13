import Detection
import Media
import Primitives

extension StreamingDetector {
  /// Runs `detector` over the frames of `reader` (the first `maxFrames` when given) with bounded
  /// memory: the one detection loop behind `detect` and `eval-framemap --detector`.
  ///
  /// `frame(index, image)` sees each source frame as it is read, before the keyframes that frame
  /// completes go to `keyframe`, in order. Returns the number of frames read.
  /// - Throws: the reader's ``MediaError``, ``DetectCommandError/emptyVideo(path:)`` when there is
  ///   no frame, ``DetectCommandError/flowDetectorAlone`` for a flow detector (it needs an RGB
  ///   partner: the two-stream `run`), and whatever the closures throw.
  static func run(
    _ detector: ActionDetector, reader: VideoReader, every: Int, contextMode: ActionDetector.ContextMode,
    maxFrames: Int? = nil, frame: (Int, RGBImage) throws -> Void = { _, _ in },
    keyframe: (Keyframe) throws -> Void
  ) throws -> Int {
    guard detector.configuration.contextStream == .rgb else { throw DetectCommandError.flowDetectorAlone }
    let stream = StreamingDetector(
      detector: detector, every: every, contextMode: contextMode, sourceWidth: reader.width,
      sourceHeight: reader.height)
    return try run(stream, flow: nil, reader: reader, maxFrames: maxFrames, frame: frame, keyframe: keyframe)
  }

  /// ``run(_:reader:every:contextMode:maxFrames:frame:keyframe:)`` with two streams: the RGB
  /// detector's boxes scored by both (``TwoStreamFusion``), the flow frames from `flow`.
  ///
  /// - Throws: also ``DetectCommandError/missingFlow(path:detail:)`` for missing stored flow or a
  ///   video of one frame.
  static func run(
    _ fusion: TwoStreamFusion, flow: FlowFrameSource, reader: VideoReader, every: Int,
    contextMode: ActionDetector.ContextMode, maxFrames: Int? = nil,
    frame: (Int, RGBImage) throws -> Void = { _, _ in }, keyframe: (Keyframe) throws -> Void
  ) throws -> Int {
    let stream = StreamingDetector(
      fusion: fusion, every: every, contextMode: contextMode, sourceWidth: reader.width,
      sourceHeight: reader.height)
    return try run(stream, flow: flow, reader: reader, maxFrames: maxFrames, frame: frame, keyframe: keyframe)
  }

  private static func run(
    _ start: StreamingDetector, flow: FlowFrameSource?, reader: VideoReader, maxFrames: Int?,
    frame: (Int, RGBImage) throws -> Void, keyframe: (Keyframe) throws -> Void
  ) throws -> Int {
    var stream = start
    var flow = flow
    while maxFrames.map({ stream.frameCount < $0 }) ?? true, let image = try reader.nextFrame() {
      try frame(stream.frameCount, image)
      for done in stream.append(image) { try keyframe(done) }
      if let previous = try flow?.next(image) {
        for done in stream.appendFlow(previous) { try keyframe(done) }
      }
    }
    guard stream.frameCount > 0 else { throw DetectCommandError.emptyVideo(path: reader.path) }
    if let flow {
      for done in stream.appendFlow(try flow.last()) { try keyframe(done) }
    }
    for done in stream.finish() { try keyframe(done) }
    return stream.frameCount
  }
}
