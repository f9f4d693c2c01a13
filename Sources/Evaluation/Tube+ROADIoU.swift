import Primitives

extension Tube {
  /// Spatio-temporal IoU of this ground-truth tube with a detected tube as ROAD computes it
  /// (`eval/compute_spatio_temporal_iou.m`, gurkirt/realtime-action-detection 9dd8e1b5).
  ///
  /// 0 when the tubes share at most one frame (`min(ends) - max(starts) > 0` is required); else
  /// the temporal IoU `shared frames / frames of the union` times the float64 mean of the per-frame
  /// ``Box/roadIoU(detection:)`` over the shared frames. Detected boxes take ROAD's two one-pixel
  /// shifts (see there), so a detection equal to the ground truth scores below 1.
  public func roadSpatioTemporalIoU(detection: Tube) -> Double {
    let start = Swift.max(firstFrame, detection.firstFrame)
    let end = Swift.min(lastFrame, detection.lastFrame)
    guard end - start > 0 else { return 0 }
    let shared = Double(end - start + 1)
    let union = Double(
      Swift.max(lastFrame, detection.lastFrame) - Swift.min(firstFrame, detection.firstFrame) + 1)
    var sum = 0.0
    for frame in start...end {
      sum += boxes[frame - firstFrame].roadIoU(detection: detection.boxes[frame - detection.firstFrame])
    }
    return shared / union * (sum / shared)
  }
}

extension Box {
  /// ROAD's per-frame IoU of this ground-truth box with a detected box, in float64
  /// (`compute_spatio_temporal_iou`'s `inters_union` of `rectint` rectangles `[x, y, w, h]`, divided
  /// by the union plus `eps`).
  ///
  /// The ground truth is ROAD's annotation `[x1, y1, x2 - x1, y2 - y1]` (pyannot's `x2 = x + w`).
  /// The detection is what ROAD makes of a detector's box: `readDetections` adds 1 (float32),
  /// `convert2eval` turns it into `[x1, y1, x2 - x1, y2 - y1]` (float32) and the IoU adds 1 to all
  /// four; so it is moved by 2 pixels and is 1 pixel wider and taller than the box given.
  public func roadIoU(detection: Box) -> Double {
    let (dx1, dy1) = (detection.x1 + 1, detection.y1 + 1)
    let (dx2, dy2) = (detection.x2 + 1, detection.y2 + 1)
    let d = (
      x: Double(dx1 + 1), y: Double(dy1 + 1), w: Double((dx2 - dx1) + 1), h: Double((dy2 - dy1) + 1)
    )
    let g = (x: Double(x1), y: Double(y1), w: Double(x2) - Double(x1), h: Double(y2) - Double(y1))
    var w = Swift.min(g.x + g.w, d.x + d.w) - Swift.max(g.x, d.x)
    var h = Swift.min(g.y + g.h, d.y + d.h) - Swift.max(g.y, d.y)
    if w < 0 { w = 0 }
    if h < 0 { h = 0 }
    let inter = w * h
    let union = (g.w * g.h + d.w * d.h) - inter
    return inter / (union + Double.ulpOfOne)
  }
}
