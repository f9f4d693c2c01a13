/// A failure to read or write a picture; its description is one line naming the file.
public enum RenderingError: Error, Equatable, CustomStringConvertible {
  /// libpng refused the file; `call` is the libpng function, `message` its own words.
  case png(path: String, call: String, message: String)
  /// A system call on the file failed.
  case system(path: String, call: String, message: String)
  /// The image is too large or empty to encode.
  case invalidImage(path: String, width: Int, height: Int)

  /// One line: the file, the failing step, and why.
  public var description: String {
    switch self {
    case .png(let path, let call, let message):
      return "\(path): \(call) failed: \(message)"
    case .system(let path, let call, let message):
      return "\(path): \(call) failed: \(message)"
    case .invalidImage(let path, let width, let height):
      return "\(path): cannot encode a \(width)x\(height) image (expected 1...65535 pixels a side)"
    }
  }
}
