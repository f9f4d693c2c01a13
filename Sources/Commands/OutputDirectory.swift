import Foundation

/// Creating a command's output folder, with a one-line error naming the folder and the reason.
enum OutputDirectory {
  /// Why an output folder could not be made; the description is one line.
  struct CreationError: Error, CustomStringConvertible, Equatable {
    /// The folder asked for.
    var path: String
    /// The prefix that failed and the system's reason.
    var reason: String

    var description: String { "\(path): cannot create the output folder (\(reason))" }
  }

  /// Creates `path` and its missing parents (like `mkdir -p`); succeeds when it already is a folder.
  static func create(_ path: String) throws(CreationError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
      prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: prefix, isDirectory: &isFolder) {
        guard isFolder.boolValue else { throw CreationError(path: path, reason: "\(prefix) is a file") }
        continue
      }
      if mkdir(prefix, 0o755) != 0, errno != EEXIST {
        throw CreationError(path: path, reason: "mkdir \(prefix): \(String(cString: strerror(errno)))")
      }
    }
  }
}
