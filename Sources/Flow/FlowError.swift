/// Why optical flow could not be computed, stored or read; ``description`` is one line.
public enum FlowError: Error, Equatable, CustomStringConvertible {
  /// The two frames differ in size.
  case sizeMismatch(first: String, second: String)
  /// A frame is smaller than the method can handle.
  case frameTooSmall(width: Int, height: Int, minimum: Int)
  /// The TV-L1 settings are unusable (`reason` names the setting and its value).
  case invalidParameters(reason: String)
  /// A stored flow image could not be written or read (`reason` says why, naming the file).
  case storage(path: String, reason: String)

  /// The error as one line for a terminal.
  public var description: String {
    switch self {
    case .sizeMismatch(let first, let second):
      return "the two frames differ in size: \(first) and \(second)"
    case .frameTooSmall(let width, let height, let minimum):
      return "frame \(width)x\(height) is too small for TV-L1 (at least \(minimum)x\(minimum))"
    case .invalidParameters(let reason):
      return "invalid TV-L1 settings: \(reason)"
    case .storage(let path, let reason):
      // Media's errors already start with the file's path.
      return reason.hasPrefix(path) ? reason : "\(path): \(reason)"
    }
  }
}
