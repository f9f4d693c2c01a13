import Datasets
import Primitives

/// One per-frame detection of one label, as the tube linkers (``ACTTubeLinker``,
/// ``YOWOTubeLinker``) consume it.
struct LinkCandidate: Hashable {
  /// The box, in the detections' pixels.
  var box: Box
  /// The class score.
  var score: Float

  /// One video's detections grouped for linking: `[label][frame − 1]` holds that frame's rows of
  /// that label, in input order. Rows whose label is not in `labels`, or whose frame is outside
  /// `1...frameCount`, are left out.
  static func grouped(
    _ detections: [FrameDetection], labels: [String], frameCount: Int
  ) -> [[[LinkCandidate]]] {
    let index = Dictionary(
      labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    var perLabel = [[[LinkCandidate]]](
      repeating: [[LinkCandidate]](repeating: [], count: Swift.max(frameCount, 0)), count: labels.count)
    for d in detections where d.frame >= 1 && d.frame <= frameCount {
      guard let label = index[d.label] else { continue }
      perLabel[label][d.frame - 1].append(LinkCandidate(box: d.box, score: d.score))
    }
    return perLabel
  }
}
