/// Non-maximum suppression of scored tubes, as ACT and MOC apply it before video-AP
/// (`ACT_utils.nms3dt`, MOC-Detector 45c3fd0c; `videoAP` calls it with overlap 0.3).
public enum TubeNMS {
  /// Indices of the tubes kept, in the order they were kept (highest score first).
  ///
  /// The order is numpy ≤ 1.24's `np.argsort(scores)` (ascending, float32) read from its end;
  /// each kept tube removes the remaining tubes whose ``Tube/spatioTemporalIoU(with:)`` with it
  /// exceeds `overlap` (a NaN IoU removes too: only `iou <= overlap` survives).
  public static func keep(_ tubes: [Tube], overlap: Double = 0.3) -> [Int] {
    var order = NumpyLegacyArgsort.argsort(tubes.map(\.score))
    var kept: [Int] = []
    while let i = order.popLast() {
      kept.append(i)
      order = order.filter { tubes[$0].spatioTemporalIoU(with: tubes[i]) <= overlap }
    }
    return kept
  }
}
