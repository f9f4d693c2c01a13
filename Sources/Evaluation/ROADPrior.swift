import Datasets
import Primitives

/// One box of one frame with a score for every label, as ``ROADTubeLinker`` consumes it: what ROAD
/// reads per SSD prior from its per-frame `.mat` files (`loc`, and `scores` without the background).
struct ROADPrior: Hashable {
  /// The box as the detections give it (pixels, before ROAD's clamp and +1).
  var box: Box
  /// Score per label index; 0 for a label without a row.
  var scores: [Float]

  /// One video's detections as ROAD's per-frame input: `[frame − 1]` holds that frame's priors.
  ///
  /// Rows of one frame with the same box are one prior, which takes each row's score for its label
  /// (labels without a row score 0). A row whose label that box already has starts another prior
  /// with the same box. Priors are in the order of their first row. Rows whose label is not in
  /// `labels`, or whose frame is outside `1...frameCount`, are left out.
  static func grouped(_ detections: [FrameDetection], labels: [String], frameCount: Int) -> [[ROADPrior]] {
    let index = Dictionary(
      labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    var frames = [[ROADPrior]](repeating: [], count: Swift.max(frameCount, 0))
    var given = [[[Bool]]](repeating: [], count: frames.count)  // [frame][prior][label]: has a row
    var byBox = [[Box: [Int]]](repeating: [:], count: frames.count)
    for d in detections where d.frame >= 1 && d.frame <= frameCount {
      guard let label = index[d.label] else { continue }
      let f = d.frame - 1
      let same = byBox[f][d.box] ?? []
      if let prior = same.first(where: { !given[f][$0][label] }) {
        frames[f][prior].scores[label] = d.score
        given[f][prior][label] = true
      } else {
        var scores = [Float](repeating: 0, count: labels.count)
        scores[label] = d.score
        var has = [Bool](repeating: false, count: labels.count)
        has[label] = true
        byBox[f][d.box, default: []].append(frames[f].count)
        frames[f].append(ROADPrior(box: d.box, scores: scores))
        given[f].append(has)
      }
    }
    return frames
  }
}
