import Foundation

/// An error reading, writing or loading a weight file; its description is one readable line.
public enum WeightError: Error, CustomStringConvertible, Equatable {
  /// A system call on `file` failed (`call` names it, `errno` is its error number).
  case systemCall(file: String, call: String, errno: Int32)
  /// The file is malformed: `step` names what was being read, `detail` says expected versus actual.
  case malformed(file: String, step: String, detail: String)
  /// A tensor's element type is not one this reader converts to `Float`.
  case unsupportedDType(file: String, key: String, dtype: String)
  /// A requested key is not in the store.
  case missingKey(key: String)
  /// A key holds a tensor of another shape than the network expects.
  case shapeMismatch(key: String, expected: [Int], actual: [Int])
  /// Keys the network never asked for (a sign of a wrong checkpoint or name table).
  case unusedKeys([String])
  /// A tensor was handed to the writer with an element count that does not match its shape.
  case invalidTensor(key: String, detail: String)

  /// One line naming the file or key, the failing step, and expected versus actual.
  public var description: String {
    switch self {
    case .systemCall(let file, let call, let errno):
      return "\(file): \(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    case .malformed(let file, let step, let detail):
      return "\(file): malformed safetensors file while reading \(step): \(detail)"
    case .unsupportedDType(let file, let key, let dtype):
      return "\(file): tensor '\(key)' has dtype \(dtype); expected F32, F16 or BF16"
    case .missingKey(let key):
      return "weights: missing key '\(key)'"
    case .shapeMismatch(let key, let expected, let actual):
      return "weights: '\(key)' has shape \(actual), expected \(expected)"
    case .unusedKeys(let keys):
      let shown = keys.prefix(8).joined(separator: ", ")
      let more = keys.count > 8 ? " and \(keys.count - 8) more" : ""
      return "weights: \(keys.count) key(s) never used: \(shown)\(more)"
    case .invalidTensor(let key, let detail):
      return "weights: cannot write '\(key)': \(detail)"
    }
  }
}
