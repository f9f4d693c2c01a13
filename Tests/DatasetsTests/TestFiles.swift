import Foundation

/// Writes `text` to `path` (test helper).
func writeText(_ text: String, to path: String) throws {
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Writes `bytes` to `path` (test helper).
func writeBytes(_ bytes: [UInt8], to path: String) throws {
  try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Removes `path` if it exists (test helper).
func removeFile(_ path: String) {
  try? FileManager.default.removeItem(atPath: path)
}

/// The bytes of `path` (test helper).
func readBytes(_ path: String) throws -> [UInt8] {
  [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
