import Datasets
import Foundation

/// A detections CSV written while the video is read: the header and then each batch of rows go to
/// a temporary file beside the target (`.NAME.tmp-PID`), which ``commit()`` renames over it; an
/// uncommitted stream removes its temporary file, so no half-written CSV is ever left behind.
///
/// The bytes are those of ``DetectionsFile/write(_:to:)`` on all the rows at once.
final class DetectionsCSVStream {
  /// The CSV's final path.
  let path: String
  private let temporaryPath: String
  private let handle: FileHandle
  private var open = true
  private var committed = false
  /// Bytes of the header line (with its newline), which ``DetectionsFile/encode(_:path:)`` repeats.
  private let headerCount: Int

  /// Creates the temporary file beside `path` holding the header.
  init(path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
      .path
    let header = try DetectionsFile.encode([], path: path)
    guard FileManager.default.createFile(atPath: temporary, contents: Data(header)) else {
      throw DetectCommandError.write(path: temporary, detail: "cannot create the temporary file")
    }
    do {
      handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
      try handle.seekToEnd()
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw DetectCommandError.write(path: temporary, detail: error.localizedDescription)
    }
    self.path = path
    temporaryPath = temporary
    headerCount = header.count
  }

  /// Appends `rows`.
  func append(_ rows: [FrameDetection]) throws {
    guard !rows.isEmpty else { return }
    let bytes = try DetectionsFile.encode(rows, path: path).dropFirst(headerCount)
    do {
      try handle.write(contentsOf: Data(bytes))
    } catch {
      throw DetectCommandError.write(path: temporaryPath, detail: error.localizedDescription)
    }
  }

  /// Closes the temporary file and renames it to ``path``.
  func commit() throws {
    do {
      open = false
      try handle.close()
    } catch {
      throw DetectCommandError.write(path: temporaryPath, detail: error.localizedDescription)
    }
    guard rename(temporaryPath, path) == 0 else {
      throw DetectCommandError.write(
        path: path, detail: "rename from \(temporaryPath) failed: \(String(cString: strerror(errno)))")
    }
    committed = true
  }

  deinit {
    if open { try? handle.close() }
    if !committed { try? FileManager.default.removeItem(atPath: temporaryPath) }
  }
}
