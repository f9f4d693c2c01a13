import ArgumentParser
import Datasets

extension Dataset {
  /// The split number a SPLIT argument names (`split2`, `Split2` or `2`), or a usage error listing
  /// the dataset's splits.
  func splitNumber(_ text: String) throws -> Int {
    let digits = text.lowercased().hasPrefix("split") ? String(text.dropFirst(5)) : text
    guard let n = Int(digits), n >= 1, n <= splitCount else {
      let allowed = (1...splitCount).map { "split\($0)" }.joined(separator: ", ")
      throw ValidationError("\(rawValue) has \(allowed); got '\(text)'")
    }
    return n
  }
}
