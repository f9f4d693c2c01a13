import Flow
import Foundation

/// Checks of a flow root before a flow stream trains: every training video has a flow folder
/// holding pairs 1 … frames − 1 (the first and the last are looked for).
public enum FlowRootCheck {
  /// Throws ``TrainingError/missingFlow(video:path:detail:)`` for the first video of `frameCounts`
  /// (video id → frames) whose flow folder under `root` is missing, or lacks pair 1 or its last pair.
  public static func check(root: String, frameCounts: [String: Int]) throws {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
      throw TrainingError.missingFlow(
        video: frameCounts.keys.sorted().first ?? "", path: root,
        detail: "flow root not found (expected <root>/<video id>/x_00001.jpg …, as `flow VIDEO --out` writes)"
      )
    }
    for (video, count) in frameCounts.sorted(by: { $0.key < $1.key }) {
      let folder = "\(root)/\(video)"
      guard count >= 2 else {
        throw TrainingError.missingFlow(video: video, path: folder, detail: "a 1-frame video has no flow")
      }
      let reader = FlowImageReader.detectingNames(folder: folder)
      for pair in Set([1, count - 1]).sorted() {
        let names = FlowImageWriter.fileNames(pair: pair)
        for name in [names.x, names.y]
        where !FileManager.default.fileExists(atPath: "\(folder)/\(reader.filePrefix)\(name)") {
          throw TrainingError.missingFlow(
            video: video, path: folder,
            detail: "missing \(reader.filePrefix)\(name) (pairs 1…\(count - 1) expected for \(count) frames)")
        }
      }
    }
  }
}
