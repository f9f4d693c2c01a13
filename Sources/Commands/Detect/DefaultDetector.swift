import Foundation

/// The detectors that ship with the project: trained with `train` on the synthetic action benchmark
/// (`make-synthetic-actions`), so they know synthetic figures only (eval/DEFAULT_MODEL.md says how
/// they were made and what they score). `detect` uses the RGB one when `--weights` is not given, and
/// the flow stream with `--flow default`.
public enum DefaultDetector {
  /// The RGB detector's file name.
  public static let fileName = "default-detector.safetensors"
  /// The flow stream's file name (a flow detector trained beside the RGB one, eval/DEFAULT_MODEL.md).
  public static let flowFileName = "default-flow-detector.safetensors"
  /// The value of `detect --flow` (and of `eval-framemap --detector` / `--flow-detector`) that names
  /// a shipped checkpoint.
  public static let flowKeyword = "default"

  /// Whether a checkpoint option's value names a shipped checkpoint: the keyword, and no file of
  /// that name in the working directory.
  static func namesShipped(_ value: String?) -> Bool {
    value == flowKeyword && !FileManager.default.fileExists(atPath: flowKeyword)
  }
  /// The folder SwiftPM copies the `Commands` target's resources to, beside the executables.
  static let resourceFolder = "ActionDetection_Commands.resources"

  /// Where the RGB checkpoint is looked for (``candidates(of:)``).
  public static var candidates: [String] { candidates(of: fileName) }

  /// Where a shipped checkpoint is looked for, in order: the resource folder beside the running
  /// executable (`swift build` puts it there), then the source tree it was built from.
  public static func candidates(of name: String) -> [String] {
    var paths: [String] = []
    if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
      paths.append(
        executable.deletingLastPathComponent().appendingPathComponent(resourceFolder)
          .appendingPathComponent(name).path)
    }
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    paths.append(sources.appendingPathComponent("Resources").appendingPathComponent(name).path)
    return paths
  }

  /// The first candidate of the RGB checkpoint that exists, or nil.
  public static func path() -> String? { path(of: fileName) }

  /// The first candidate of the flow stream's checkpoint that exists, or nil.
  public static func flowPath() -> String? { path(of: flowFileName) }

  /// The first candidate of `name` that exists, or nil.
  static func path(of name: String) -> String? {
    candidates(of: name).first { FileManager.default.fileExists(atPath: $0) }
  }

  /// A checkpoint option's value with the keyword `default` (when no file has that name) resolved
  /// to the shipped file `name` (``fileName`` or ``flowFileName``), found by `locate`; nil only when
  /// the keyword was given and the shipped file is missing.
  static func resolve(_ value: String, shipped name: String, locate: (String) -> String? = path(of:))
    -> String?
  {
    guard namesShipped(value) else { return value }
    return locate(name)
  }
}
