import Foundation
import Media

/// Checks of a frames root before training starts: every training video has a frame folder (or
/// video file) with at least as many frames as its ground truth says.
public enum FramesRootCheck {
  /// Frame counts of `videos` under `root`; throws ``TrainingError`` for a missing root or video
  /// or a video shorter than `expected[video]`.
  public static func frameCounts(root: String, videos: [String], expected: [String: Int]) throws -> [String:
    Int]
  {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
      throw TrainingError.missingFramesRoot(path: root)
    }
    var counts: [String: Int] = [:]
    for video in videos {
      let path = "\(root)/\(video)"
      let count: Int
      do {
        let reader = try VideoReader(path: path)
        count = try reader.frameCount ?? reader.countFrames()
      } catch {
        throw TrainingError.missingFrames(video: video, path: path, reason: "\(error)")
      }
      if let want = expected[video], count < want {
        throw TrainingError.tooFewFrames(video: video, path: path, frames: count, expected: want)
      }
      counts[video] = count
    }
    return counts
  }
}
