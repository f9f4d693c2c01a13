/// Why a video or frame folder could not be opened or decoded.
///
/// Every case names the file (the path as the caller gave it) and the failing step; ``description``
/// is one line meant for a user's terminal, e.g.
/// `clip.mp4: avformat_open_input failed: Invalid data found when processing input (-1094995529);
/// FFmpeg: moov atom not found`.
public enum MediaError: Error, Equatable, CustomStringConvertible {
  /// Nothing exists at `path`.
  case fileNotFound(path: String)
  /// `path` exists but is neither a regular file nor a directory (a socket, a device, …).
  case notAFile(path: String)
  /// `path` is a regular file of 0 bytes.
  case emptyFile(path: String)
  /// An FFmpeg call failed while opening the file; `code` is FFmpeg's negative status, `message`
  /// its text, `detail` the last error FFmpeg logged meanwhile (e.g. "moov atom not found").
  case openFailed(path: String, call: String, code: Int32, message: String, detail: String?)
  /// The file opened, but none of its streams is video; `streams` lists the kinds found.
  case noVideoStream(path: String, streams: [String])
  /// The video stream's codec has no decoder in this FFmpeg build.
  case decoderNotFound(path: String, codec: String)
  /// An FFmpeg call failed while producing frame `frame` (0-based); `code` is FFmpeg's status,
  /// `message` its text, `detail` the last error FFmpeg logged meanwhile on this thread.
  case decodeFailed(path: String, frame: Int, call: String, code: Int32, message: String, detail: String?)
  /// The decoder returned frame `frame` (0-based) but flagged it as damaged: the bitstream is cut
  /// short or corrupt there (`flags` holds `AVFrame.decode_error_flags`).
  case damagedFrame(path: String, frame: Int, flags: Int32)
  /// The container lists `expected` packets for the video stream but the file ended after `actual`.
  case truncated(path: String, expected: Int, actual: Int)
  /// A decoded frame's size differs from the first frame's (frame folders and videos alike).
  case frameSizeChanged(path: String, frame: Int, expected: FrameSize, actual: FrameSize)
  /// The stream reports a size FFmpeg cannot decode to pixels (zero or negative).
  case invalidFrameSize(path: String, actual: FrameSize)
  /// A folder holds no image whose name ends in a frame number (`img_00001.jpg`, `00001.png`).
  case emptyFrameFolder(path: String)
  /// A file in a frame folder starts with neither the PNG nor the JPEG signature.
  case unsupportedImage(path: String, firstBytes: String)
  /// A frame image is larger than the reader accepts (a guard against hostile files).
  case fileTooLarge(path: String, bytes: Int, limit: Int)
  /// The operating system refused to list or read `path`.
  case readFailed(path: String, message: String)
  /// An FFmpeg call failed while encoding an image of `size`; `code` is FFmpeg's status, `message`
  /// its text, `detail` the last error FFmpeg logged meanwhile on this thread.
  case encodeFailed(size: FrameSize, call: String, code: Int32, message: String, detail: String?)
  /// This FFmpeg build has no encoder for `codec`.
  case encoderNotFound(codec: String)
  /// An image cannot be encoded as asked (`reason` says why, e.g. its size differs from the encoder's).
  case invalidImage(reason: String)

  /// A width and height in pixels.
  public struct FrameSize: Equatable, Sendable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Creates a size.
    public init(width: Int, height: Int) {
      self.width = width
      self.height = height
    }
    /// `WxH`, e.g. `340x256`.
    public var description: String { "\(width)x\(height)" }
  }

  /// One line: the path, the failing step, and what was expected versus found.
  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): file not found"
    case .notAFile(let path):
      return "\(path): not a regular file or a folder of frames"
    case .emptyFile(let path):
      return "\(path): file is empty (0 bytes), expected a video"
    case .openFailed(let path, let call, let code, let message, let detail):
      return "\(path): \(call) failed: \(message) (\(code))" + Self.said(detail)
    case .noVideoStream(let path, let streams):
      let found = streams.isEmpty ? "no streams" : "streams: " + streams.joined(separator: ", ")
      return "\(path): no video stream (\(found))"
    case .decoderNotFound(let path, let codec):
      return "\(path): no decoder for video codec '\(codec)' in this FFmpeg build"
    case .decodeFailed(let path, let frame, let call, let code, let message, let detail):
      return "\(path): frame \(frame): \(call) failed: \(message) (\(code))" + Self.said(detail)
    case .damagedFrame(let path, let frame, let flags):
      return "\(path): frame \(frame): decoder reported damaged data (decode_error_flags \(flags));"
        + " the file is truncated or corrupt"
    case .truncated(let path, let expected, let actual):
      return "\(path): file ends early: container lists \(expected) video packets, read \(actual);"
        + " the file is truncated"
    case .frameSizeChanged(let path, let frame, let expected, let actual):
      return "\(path): frame \(frame) is \(actual), expected \(expected) like the first frame"
    case .invalidFrameSize(let path, let actual):
      return "\(path): video reports frame size \(actual), expected a positive width and height"
    case .emptyFrameFolder(let path):
      return "\(path): folder holds no numbered PNG or JPEG frames (e.g. img_00001.jpg, 00001.png)"
    case .unsupportedImage(let path, let firstBytes):
      return "\(path): not a PNG or JPEG image (starts with bytes \(firstBytes))"
    case .fileTooLarge(let path, let bytes, let limit):
      return "\(path): image file is \(bytes) bytes, more than the \(limit)-byte limit"
    case .readFailed(let path, let message):
      return "\(path): cannot read: \(message)"
    case .encodeFailed(let size, let call, let code, let message, let detail):
      return "encoding a \(size) image: \(call) failed: \(message) (\(code))" + Self.said(detail)
    case .encoderNotFound(let codec):
      return "no encoder for '\(codec)' in this FFmpeg build"
    case .invalidImage(let reason):
      return "cannot encode image: \(reason)"
    }
  }

  /// `; FFmpeg: DETAIL` when FFmpeg logged a reason, else nothing.
  private static func said(_ detail: String?) -> String {
    detail.map { "; FFmpeg: " + $0 } ?? ""
  }
}
