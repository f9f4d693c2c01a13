import Primitives

extension Tube {
  /// Spatio-temporal IoU as ACT and MOC compute it (`ACT_utils.iou3dt`, MOC-Detector 45c3fd0c):
  /// temporal IoU × the mean per-frame spatial IoU over the temporal intersection.
  ///
  /// The temporal IoU counts frames: `(min(last) - max(first) + 1) / (max(last) - min(first) + 1)`;
  /// it is 0 when the tubes do not overlap in time. The per-frame IoU is ``Box/actIoU(with:)``
  /// (+1-pixel convention, float32) and its mean is numpy's float32 `np.mean` (pairwise sum, then a
  /// division). The product is float64, as numpy 1.x promotes it (`np.float32 * float`).
  ///
  /// Two identical tubes give 1; `a.spatioTemporalIoU(with: b) == b.spatioTemporalIoU(with: a)`.
  public func spatioTemporalIoU(with other: Tube) -> Double {
    let start = Swift.max(firstFrame, other.firstFrame)
    let end = Swift.min(lastFrame, other.lastFrame)
    guard end >= start else { return 0 }
    let intersection = end - start + 1
    let union = Swift.max(lastFrame, other.lastFrame) - Swift.min(firstFrame, other.firstFrame) + 1
    var ious = [Float](repeating: 0, count: intersection)
    for frame in start...end {
      ious[frame - start] = boxes[frame - firstFrame].actIoU(with: other.boxes[frame - other.firstFrame])
    }
    let spatial = PairwiseSum.sum(ious) / Float(intersection)
    return Double(spatial) * (Double(intersection) / Double(union))
  }
}

extension Box {
  /// ACT's box IoU (`ACT_utils.iou2d`) in float32: corners are inclusive pixel indices, so widths
  /// are `min(x2 + 1, x2' + 1) - max(x1, x1')` and areas `(x2 - x1 + 1) * (y2 - y1 + 1)`.
  ///
  /// The operations and their order are numpy's on float32 arrays; a zero union gives NaN.
  public func actIoU(with other: Box) -> Float {
    let w = Swift.max(0, Swift.min(x2 + 1, other.x2 + 1) - Swift.max(x1, other.x1))
    let h = Swift.max(0, Swift.min(y2 + 1, other.y2 + 1) - Swift.max(y1, other.y1))
    let overlap = w * h
    let area = (x2 - x1 + 1) * (y2 - y1 + 1)
    let otherArea = (other.x2 - other.x1 + 1) * (other.y2 - other.y1 + 1)
    return overlap / (area + otherArea - overlap)
  }
}
