/// Errors of the detector: one readable line naming the file or setting, the step, and what was expected.
public enum DetectorError: Error, CustomStringConvertible, Equatable {
  /// A configuration value is out of range or unknown.
  case badConfiguration(String)
  /// A checkpoint cannot be used.
  case badCheckpoint(path: String, detail: String)
  /// No usable weights were given.
  case missingWeights(String)
  /// The input video cannot be used.
  case badInput(String)
  /// A backbone file (`part`: `keyframe` or `context`) lacks a tensor the detector needs or holds it
  /// in another shape.
  case badBackbone(path: String, part: String, detail: String)

  /// One line.
  public var description: String {
    switch self {
    case .badConfiguration(let detail): return "detector configuration: \(detail)"
    case .badCheckpoint(let path, let detail): return "\(path): detector checkpoint: \(detail)"
    case .missingWeights(let detail): return detail
    case .badInput(let detail): return detail
    case .badBackbone(let path, let part, let detail): return "\(path): \(part) backbone: \(detail)"
    }
  }
}
