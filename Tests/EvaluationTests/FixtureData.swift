import Datasets
import Foundation
import Primitives

/// Reads the flat fixture formats written by `tools/make_framemap_fixtures.py`.
enum FixtureData {
  /// Errors of the tiny test-only readers.
  struct BadFixture: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String
  }

  /// The JHMDB split-1 subset: its ground truth and its video list in split order.
  static func jhmdbSubset() throws -> (gt: GroundTruth, videos: [String]) {
    try subset("jhmdb")
  }

  /// A subset written with file prefix `prefix` (`jhmdb` or `ucf`).
  static func subset(_ prefix: String) throws -> (gt: GroundTruth, videos: [String]) {
    let labels = try lines("\(prefix)_labels.txt")
    var videos: [String] = []
    var annotations: [String: VideoAnnotation] = [:]
    for line in try lines("\(prefix)_subset_videos.txt") {
      let parts = line.split(separator: " ")
      guard parts.count == 2, let n = Int(parts[1]) else { throw BadFixture(description: line) }
      videos.append(String(parts[0]))
      annotations[String(parts[0])] = VideoAnnotation(frameCount: n, height: 240, width: 320, tubes: [])
    }
    var tubes: [String: [Int: (label: Int, frames: [Int], boxes: [Box])]] = [:]
    for line in try lines("\(prefix)_subset_gt.csv").dropFirst() {
      let f = line.split(separator: ",").map(String.init)
      guard f.count == 8, let label = Int(f[1]), let tube = Int(f[2]), let frame = Int(f[3]),
        let x1 = Float(f[4]), let y1 = Float(f[5]), let x2 = Float(f[6]), let y2 = Float(f[7])
      else { throw BadFixture(description: line) }
      tubes[f[0], default: [:]][tube, default: (label, [], [])].frames.append(frame)
      tubes[f[0], default: [:]][tube, default: (label, [], [])].boxes.append(
        Box(x1: x1, y1: y1, x2: x2, y2: y2))
    }
    for (video, byIndex) in tubes {
      annotations[video]?.tubes = byIndex.keys.sorted().compactMap { i in
        byIndex[i].map { GroundTruthTube(label: $0.label, frames: $0.frames, boxes: $0.boxes) }
      }
    }
    let gt = GroundTruth(labels: labels, trainVideos: [[]], testVideos: [videos], videos: annotations)
    return (gt, videos)
  }

  /// Detections of a fixture CSV (`video,frame,label,score,x1,y1,x2,y2`).
  static func detections(_ name: String) throws -> [FrameDetection] {
    try lines(name).dropFirst().map { line in
      let f = line.split(separator: ",").map(String.init)
      guard f.count == 8, let frame = Int(f[1]), let score = Float(f[3]), let x1 = Float(f[4]),
        let y1 = Float(f[5]), let x2 = Float(f[6]), let y2 = Float(f[7])
      else { throw BadFixture(description: line) }
      return FrameDetection(
        video: f[0], frame: frame, label: f[2], score: score, box: Box(x1: x1, y1: y1, x2: x2, y2: y2))
    }
  }

  private static func lines(_ name: String) throws -> [String] {
    let text = try String(contentsOf: FixtureFiles.folder.appendingPathComponent(name), encoding: .utf8)
    return text.split(separator: "\n").map(String.init)
  }
}
