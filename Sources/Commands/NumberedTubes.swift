import Datasets
import Evaluation
import Foundation
import Primitives
import Rendering

/// One video's linked tubes with the ids people see: `#1` is the best-scoring tube of the video,
/// `#2` the next, … across all labels (equal scores: label order, then the linker's order). Both
/// `detect --tubes` (frames and `tubes.csv`) and `render-annotations --tubes` number and draw them
/// through this type, so an id means the same tube in the pictures and in the file.
struct NumberedTubes {
  /// A tube with its id and label name.
  struct Entry {
    /// 1-based id, in descending order of score.
    var id: Int
    /// Label name.
    var label: String
    /// The linked tube (frames 1-based, one box per frame).
    var tube: Tube
  }

  /// The tubes, by id.
  let entries: [Entry]

  /// Numbers the tubes scoring at least `minimumScore` (a tube's `label` indexes `labels`).
  init(_ tubes: [Tube], labels: [String], minimumScore: Float = -.infinity) {
    let kept = tubes.enumerated().filter { $0.element.score >= minimumScore }
    let ranked = kept.sorted { a, b in
      if a.element.score != b.element.score { return a.element.score > b.element.score }
      if a.element.label != b.element.label { return a.element.label < b.element.label }
      return a.offset < b.offset
    }
    entries = ranked.enumerated().map { n, pair in
      let label =
        labels.indices.contains(pair.element.label)
        ? labels[pair.element.label] : "class \(pair.element.label)"
      return Entry(id: n + 1, label: label, tube: pair.element)
    }
  }

  /// The boxes to draw on each 1-based frame, captioned `#<id> <label> <tube score>`, by id.
  func boxesByFrame() -> [Int: [ReviewBox]] {
    var result: [Int: [ReviewBox]] = [:]
    for e in entries {
      for (offset, box) in e.tube.boxes.enumerated() {
        result[e.tube.firstFrame + offset, default: []].append(
          ReviewBox(label: e.label, score: e.tube.score, box: box, tube: e.id))
      }
    }
    return result
  }

  /// Header of ``csv(video:path:)``.
  static let csvHeader = "video,tube,label,score,frame,x1,y1,x2,y2"

  /// The tubes as CSV: ``csvHeader``, then one row per tube and frame (tubes by id, frames in
  /// order; `score` the tube's, boxes in the detections' pixels, numbers as `detections.csv`
  /// writes them). `path` names the file in errors.
  func csv(video: String, path: String) throws -> Data {
    var out: [UInt8] = Array((Self.csvHeader + "\n").utf8)
    for e in entries {
      var prefix: [UInt8] = []
      try DetectionsFile.appendField(video, to: &prefix, path: path, index: e.id)
      prefix.append(contentsOf: ",\(e.id),".utf8)
      try DetectionsFile.appendField(e.label, to: &prefix, path: path, index: e.id)
      prefix.append(contentsOf: ",\(e.tube.score.description),".utf8)
      for (offset, b) in e.tube.boxes.enumerated() {
        out.append(contentsOf: prefix)
        let fields = [String(e.tube.firstFrame + offset)] + [b.x1, b.y1, b.x2, b.y2].map(\.description)
        out.append(contentsOf: fields.joined(separator: ",").utf8)
        out.append(0x0A)
      }
    }
    return Data(out)
  }
}
