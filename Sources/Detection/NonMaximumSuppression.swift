import Primitives

/// Greedy non-maximum suppression, as `torchvision.ops.nms`.
///
/// Boxes are visited by decreasing score (ties keep the lower index first); a box is dropped when
/// its IoU (continuous, no "+1") with an already kept box is **greater** than `iouThreshold`.
public enum NonMaximumSuppression {
  /// Indices of the kept boxes, by decreasing score, at most `limit` of them.
  public static func keep(
    boxes: [Box], scores: [Float], iouThreshold: Float, limit: Int = .max
  ) -> [Int] {
    precondition(boxes.count == scores.count, "NMS: \(boxes.count) boxes, \(scores.count) scores")
    let order = boxes.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    var kept: [Int] = []
    var keptBoxes: [Box] = []
    var keptAreas: [Float] = []
    for index in order {
      if kept.count >= limit { break }
      let box = boxes[index]
      let area = box.area
      var suppressed = false
      for (k, other) in keptBoxes.enumerated() {
        let w = min(box.x2, other.x2) - max(box.x1, other.x1)
        let h = min(box.y2, other.y2) - max(box.y1, other.y1)
        guard w > 0, h > 0 else { continue }
        let inter = w * h
        if inter / (area + keptAreas[k] - inter) > iouThreshold {
          suppressed = true
          break
        }
      }
      if !suppressed {
        kept.append(index)
        keptBoxes.append(box)
        keptAreas.append(area)
      }
    }
    return kept
  }
}
