import Foundation

/// Whole-file reads and atomic writes, with errors that name the file.
enum FileIO {
  /// The bytes of the file at `path`, optionally followed by one 0 byte (for C parsers).
  static func read(_ path: String, appendingZero: Bool = false) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DatasetError.io(path: path, step: "open", reason: "no such file")
    }
    guard !isDirectory.boolValue else {
      throw DatasetError.io(path: path, step: "open", reason: "is a directory")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DatasetError.io(path: path, step: "read", reason: "permission denied or unreadable")
    }
    let extra = appendingZero ? 1 : 0
    return [UInt8](unsafeUninitializedCapacity: data.count + extra) { buffer, initialized in
      _ = data.copyBytes(to: buffer)
      if appendingZero { buffer[data.count] = 0 }
      initialized = data.count + extra
    }
  }

  /// The non-empty lines of a text file, trimmed of spaces and `\r` (last newline optional).
  static func lines(_ path: String) throws -> [String] {
    let bytes = try read(path)
    return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
      .map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
  }

  /// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let temporary = "\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
      throw DatasetError.io(path: path, step: "write \(temporary)", reason: "cannot create file")
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporary)
      throw DatasetError.io(path: path, step: "rename from \(temporary)", reason: reason)
    }
  }
}

extension Unpickler {
  /// Reads and unpickles the file at `path`; errors name the file.
  public static func load(contentsOf path: String) throws -> PickleValue {
    try loadFile(path).value
  }

  /// The unpickled value of the file at `path` and the file's size in bytes.
  static func loadFile(_ path: String) throws -> (value: PickleValue, byteCount: Int) {
    let bytes = try FileIO.read(path)
    do {
      return (try load(bytes), bytes.count)
    } catch let error as PickleError {
      throw DatasetError.pickle(path: path, error)
    }
  }
}
