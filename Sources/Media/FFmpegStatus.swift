import CFFmpeg

/// Where an FFmpeg call happened, so a failed status becomes the right ``MediaError`` case.
enum FFmpegSite {
  /// Opening `path`: probing, stream info, decoder setup.
  case opening(path: String)
  /// Producing frame `frame` (0-based) of `path`.
  case decoding(path: String, frame: Int)
  /// Encoding an image of `width` × `height` pixels (``JPEGEncoder``).
  case encoding(width: Int, height: Int)

  /// The file the call was working on.
  var path: String {
    switch self {
    case .opening(let path), .decoding(let path, _): return path
    case .encoding(let width, let height): return "JPEG encoder (\(width)x\(height))"
    }
  }

  /// The error for `call` having returned the negative status `code`.
  func error(_ call: String, _ code: Int32) -> MediaError {
    let message = ffmpegErrorMessage(code)
    let detail = FFmpegLog.take()
    switch self {
    case .opening(let path):
      return .openFailed(path: path, call: call, code: code, message: message, detail: detail)
    case .decoding(let path, let frame):
      return .decodeFailed(path: path, frame: frame, call: call, code: code, message: message, detail: detail)
    case .encoding(let width, let height):
      return .encodeFailed(
        size: .init(width: width, height: height), call: call, code: code, message: message, detail: detail)
    }
  }
}

/// Checks an FFmpeg status: returns it when non-negative, throws the error naming `call` otherwise.
///
/// Every FFmpeg call in this module that returns a status goes through here (or through an
/// explicit comparison with one of the `cffmpeg_AVERROR_*` constants right before it).
@discardableResult
func check(_ status: Int32, _ call: String, _ site: FFmpegSite) throws(MediaError) -> Int32 {
  guard status >= 0 else { throw site.error(call, status) }
  return status
}

/// FFmpeg's text for an error status, e.g. "Invalid data found when processing input".
func ffmpegErrorMessage(_ code: Int32) -> String {
  let size = Int(cffmpeg_AV_ERROR_MAX_STRING_SIZE)
  var buffer = [CChar](repeating: 0, count: size)
  if av_strerror(code, &buffer, size) < 0 {
    return "unknown FFmpeg error"
  }
  let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
  return String(decoding: bytes, as: UTF8.self)
}

/// Routes FFmpeg's own logging into ``FFmpegLog`` once per process: its messages would go to
/// stderr unasked; the thrown ``MediaError`` carries the relevant one instead. The level is set to
/// errors so FFmpeg skips formatting debug output nobody reads.
let ffmpegLogSilenced: Void = {
  FFmpegLog.installed
  av_log_set_level(cffmpeg_AV_LOG_ERROR)
}()
