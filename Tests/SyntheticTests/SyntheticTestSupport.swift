import Foundation
import Synthetic

/// Small configurations and temporary folders for the synthetic-data tests.
enum SyntheticTestSupport {
  /// A fast configuration: `videos` videos of 96 × 72 pixels with `frames` frames each.
  static func small(videos: Int, seed: UInt64 = 7, frames: ClosedRange<Int> = 10...12)
    -> SyntheticConfiguration
  {
    var c = SyntheticConfiguration(videoCount: videos, seed: seed, testCount: videos / 2)
    c.width = 96
    c.height = 72
    c.frameCounts = frames
    return c
  }

  /// A fresh path under the temporary folder (not created).
  static func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
  }

  /// Every regular file under `root`, as relative path → bytes.
  static func files(under root: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let relative = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      let path = "\(root)/\(relative)"
      if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
        out[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
      }
    }
    return out
  }
}
