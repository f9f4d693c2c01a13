import Foundation

/// The detector that ships with the project: trained with `train` on the synthetic action benchmark
/// (`make-synthetic-actions`), so it knows synthetic figures only (eval/DEFAULT_MODEL.md says how it
/// was made and what it scores). `detect` uses it when `--weights` is not given.
public enum DefaultDetector {
  /// The checkpoint's file name.
  public static let fileName = "default-detector.safetensors"
  /// The folder SwiftPM copies the `Commands` target's resources to, beside the executables.
  static let resourceFolder = "ActionDetection_Commands.resources"

  /// Where the checkpoint is looked for, in order: the resource folder beside the running
  /// executable (`swift build` puts it there), then the source tree it was built from.
  public static var candidates: [String] {
    var paths: [String] = []
    if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
      paths.append(
        executable.deletingLastPathComponent().appendingPathComponent(resourceFolder)
          .appendingPathComponent(fileName).path)
    }
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    paths.append(sources.appendingPathComponent("Resources").appendingPathComponent(fileName).path)
    return paths
  }

  /// The first candidate that exists, or nil.
  public static func path() -> String? {
    candidates.first { FileManager.default.fileExists(atPath: $0) }
  }
}
