import Foundation

/// Writes outputs atomically: a temporary file beside the target, then a rename.
enum OutputFile {
  /// Writes `data` to `path` (creating nothing else), or throws a one-line error naming the path.
  static func write(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      try data.write(to: temporary)
    } catch {
      throw EvalFrameMAPError("\(path): cannot write (\(error.localizedDescription))")
    }
    guard rename(temporary.path, url.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw EvalFrameMAPError("\(path): cannot rename the temporary file into place (\(reason))")
    }
  }
}
