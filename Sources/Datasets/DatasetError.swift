/// Why a dataset file (ground truth, split list, detections, label map) could not be read or written.
///
/// Every description is one line that starts with the file (and line, when there is one).
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be opened, read or written.
  case io(path: String, step: String, reason: String)
  /// The pickle was refused or is corrupt.
  case pickle(path: String, PickleError)
  /// A field of a ground-truth file does not have the expected type or value.
  case badField(path: String, field: String, expected: String, found: String)
  /// A line of a text file is malformed (`line` is 1-based).
  case badLine(path: String, line: Int, message: String)

  /// One line: file, failing step, expected versus actual.
  public var description: String {
    switch self {
    case .io(let path, let step, let reason):
      return "\(path): \(step) failed: \(reason)"
    case .pickle(let path, let error):
      return "\(path): unpickling failed: \(error)"
    case .badField(let path, let field, let expected, let found):
      return "\(path): \(field): expected \(expected), found \(found)"
    case .badLine(let path, let line, let message):
      return "\(path):\(line): \(message)"
    }
  }
}
