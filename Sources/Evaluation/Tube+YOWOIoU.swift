import Primitives

extension Tube {
  /// YOWO's spatio-temporal IoU of two detected tubes (`core/utils.py:iou3dt`, wei-tim/YOWO 9d202c16),
  /// as its tube NMS (`nms_3d`) computes it on two float32 tubes.
  ///
  /// When the tubes share no more than one frame (`tmax <= tmin`) it is 0: YOWO's early return,
  /// so two tubes that overlap on exactly one frame score 0, unlike ACT's ``spatioTemporalIoU(with:)``.
  /// Otherwise `iou3d` of the shared frames, `mean(o / (area1 + area2 - o))` with +1-pixel widths,
  /// all in float32 with numpy's pairwise mean, then `* inter / union` in float64 (numpy 1.x promotes
  /// the frame counts, `tmax - tmin + 1`, to float64).
  public func yowoSpatioTemporalIoU(with other: Tube) -> Double {
    guard let (start, end, factor) = yowoTemporalOverlap(self, other) else { return 0 }
    var ious = [Float](repeating: 0, count: end - start + 1)
    for frame in start...end {
      let a = boxes[frame - firstFrame]
      let b = other.boxes[frame - other.firstFrame]
      let w = Numpy.maximum(0, Numpy.minimum(a.x2 + 1, b.x2 + 1) - Numpy.maximum(a.x1, b.x1))
      let h = Numpy.maximum(0, Numpy.minimum(a.y2 + 1, b.y2 + 1) - Numpy.maximum(a.y1, b.y1))
      let overlap = w * h
      let areaA = (a.x2 - a.x1 + 1) * (a.y2 - a.y1 + 1)
      let areaB = (b.x2 - b.x1 + 1) * (b.y2 - b.y1 + 1)
      ious[frame - start] = overlap / (areaA + areaB - overlap)
    }
    let mean = PairwiseSum.sum(ious) / Float(ious.count)
    return Double(mean) * factor.inter / factor.union
  }

  /// YOWO's spatio-temporal IoU of this ground-truth tube with a detected tube, as its video-AP
  /// computes it (`iou3dt(np.array(g), boxes[:, :5])`): the ground truth is a float64 array, the
  /// detection a float32 one.
  ///
  /// As ``yowoSpatioTemporalIoU(with:)``, but numpy promotes the mixed arrays: the detection's
  /// `x2 + 1`, `y2 + 1` and its area are float32, everything else (the ground truth's `+ 1` and
  /// area, overlap, IoU, mean) float64.
  public func yowoSpatioTemporalIoU(detection other: Tube) -> Double {
    guard let (start, end, factor) = yowoTemporalOverlap(self, other) else { return 0 }
    var ious = [Double](repeating: 0, count: end - start + 1)
    for frame in start...end {
      let g = boxes[frame - firstFrame]
      let d = other.boxes[frame - other.firstFrame]
      let (gx1, gy1, gx2, gy2) = (Double(g.x1), Double(g.y1), Double(g.x2), Double(g.y2))
      let w = Numpy.maximum(0, Numpy.minimum(gx2 + 1, Double(d.x2 + 1)) - Numpy.maximum(gx1, Double(d.x1)))
      let h = Numpy.maximum(0, Numpy.minimum(gy2 + 1, Double(d.y2 + 1)) - Numpy.maximum(gy1, Double(d.y1)))
      let overlap = w * h
      let areaG = (gx2 - gx1 + 1) * (gy2 - gy1 + 1)
      let areaD = Double((d.x2 - d.x1 + 1) * (d.y2 - d.y1 + 1))
      ious[frame - start] = overlap / (areaG + areaD - overlap)
    }
    let mean = PairwiseSum.sum(ious) / Double(ious.count)
    return mean * factor.inter / factor.union
  }
}

/// `iou3dt`'s temporal part: the shared frames `start...end` and the frame counts of the
/// intersection and union, or `nil` when `tmax <= tmin` (YOWO returns 0 then).
private func yowoTemporalOverlap(_ a: Tube, _ b: Tube) -> (Int, Int, (inter: Double, union: Double))? {
  let start = Swift.max(a.firstFrame, b.firstFrame)
  let end = Swift.min(a.lastFrame, b.lastFrame)
  guard end > start else { return nil }
  let union = Swift.max(a.lastFrame, b.lastFrame) - Swift.min(a.firstFrame, b.firstFrame) + 1
  return (start, end, (Double(end - start + 1), Double(union)))
}

extension Box {
  /// YOWO's box IoU (`core/utils.py:bbox_iou` with `x1y1x2y2=True`), on float32 values as its tube
  /// linking calls it: continuous widths (no +1), 0 when the boxes do not overlap.
  ///
  /// The steps are the reference's, in float32 numpy scalars: the union's extent
  /// `uw = max(x2) - min(x1)`, the overlap `cw = w1 + w2 - uw` (and the same for heights), `0` when
  /// `cw <= 0` or `ch <= 0`, else `cw * ch / (w1 * h1 + w2 * h2 - cw * ch)`. Python's `min`/`max`
  /// keep the first argument unless the second is strictly smaller/larger.
  public func yowoIoU(with other: Box) -> Float {
    let mx = other.x1 < x1 ? other.x1 : x1
    let bigX = other.x2 > x2 ? other.x2 : x2
    let my = other.y1 < y1 ? other.y1 : y1
    let bigY = other.y2 > y2 ? other.y2 : y2
    let w1 = x2 - x1
    let h1 = y2 - y1
    let w2 = other.x2 - other.x1
    let h2 = other.y2 - other.y1
    let cw = w1 + w2 - (bigX - mx)
    let ch = h1 + h2 - (bigY - my)
    if cw <= 0 || ch <= 0 { return 0 }
    let area1 = w1 * h1
    let area2 = w2 * h2
    let carea = cw * ch
    return carea / (area1 + area2 - carea)
  }
}
