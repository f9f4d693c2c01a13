import Datasets
import Foundation
import Primitives

extension FixtureData {
  /// Detections of a wide tied-score fixture (`tools/make_tied_framemap_fixtures.py`): each line
  /// `video,frame,x1,y1,x2,y2,s_0,…` is one box scored for every label, expanded box-major into
  /// one detection per label (ACT's `alldets` row order).
  static func tiedDetections(_ prefix: String, videos: [String], labels: [String]) throws -> [FrameDetection]
  {
    let text = try String(
      contentsOf: FixtureFiles.folder.appendingPathComponent("\(prefix)_boxes.csv"), encoding: .utf8)
    var out: [FrameDetection] = []
    for line in text.split(separator: "\n").dropFirst() {
      let f = line.split(separator: ",")
      guard f.count == 6 + labels.count, let v = Int(f[0]), videos.indices.contains(v), let frame = Int(f[1]),
        let x1 = Float(f[2]), let y1 = Float(f[3]), let x2 = Float(f[4]), let y2 = Float(f[5])
      else { throw BadFixture(description: String(line)) }
      let box = Box(x1: x1, y1: y1, x2: x2, y2: y2)
      for (c, label) in labels.enumerated() {
        guard let score = Float(f[6 + c]) else { throw BadFixture(description: String(line)) }
        out.append(FrameDetection(video: videos[v], frame: frame, label: label, score: score, box: box))
      }
    }
    return out
  }
}
