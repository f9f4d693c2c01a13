import CFFmpeg

/// Something that yields decoded FFmpeg frames one by one: a video file or a folder of images.
protocol FrameSource: AnyObject {
  /// Frame width in pixels (of the first frame).
  var width: Int { get }
  /// Frame height in pixels (of the first frame).
  var height: Int { get }
  /// Frames per second.
  var frameRate: Double { get }
  /// The number of frames the source states up front, if it states one.
  var containerFrameCount: Int? { get }
  /// The file a frame with this index comes from, for errors.
  func path(ofFrame index: Int) -> String
  /// The next decoded frame, owned by the source and valid until the next call; `nil` at the end.
  func decodeNext() throws(MediaError) -> UnsafeMutablePointer<AVFrame>?
  /// Moves past the next frame without returning it; `false` at the end.
  func skipNext() throws(MediaError) -> Bool
}

extension FrameSource {
  /// Decodes the next frame and drops it (a video's later frames depend on the earlier ones).
  func skipNext() throws(MediaError) -> Bool {
    try decodeNext() != nil
  }
}

extension VideoFileDecoder {
  /// Every frame of a video comes from the video file.
  func path(ofFrame index: Int) -> String { path }
}
