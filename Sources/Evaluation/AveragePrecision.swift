/// The average-precision formulas of the reference implementations.
enum AveragePrecision {
  /// ACT's `pr_to_ap`: the trapezoid rule over the raw curve, in float32 with numpy's pairwise sum.
  ///
  /// `recall` and `precision` include the anchor point (0, 1) at index 0.
  static func trapezoid(recall: [Float], precision: [Float]) -> Float {
    guard recall.count > 1 else { return 0 }
    var terms = [Float](repeating: 0, count: recall.count - 1)
    for i in 0..<terms.count {
      let dr = recall[i + 1] - recall[i]
      let sp = precision[i + 1] + precision[i]
      terms[i] = dr * sp * 0.5
    }
    return PairwiseSum.sum(terms)
  }

  /// VOC all-point interpolated AP as numpy code computes it (`mmaction2` `pr_to_ap_voc`, TF
  /// `compute_average_precision`): envelope, then `np.sum` over the recall change points.
  static func vocAllPoint(recall: [Double], precision: [Double], pairwise: Bool) -> Double {
    let n = recall.count
    var mrec = [Double](repeating: 0, count: n + 2)
    var mpre = [Double](repeating: 0, count: n + 2)
    for i in 0..<n {
      mrec[i + 1] = recall[i]
      mpre[i + 1] = precision[i]
    }
    mrec[n + 1] = 1
    var i = n
    while i >= 0 {
      mpre[i] = Swift.max(mpre[i], mpre[i + 1])
      i -= 1
    }
    var terms: [Double] = []
    for k in 1..<(n + 2) where mrec[k] != mrec[k - 1] {
      terms.append((mrec[k] - mrec[k - 1]) * mpre[k])
    }
    if pairwise { return PairwiseSum.sum(terms) }
    var ap = 0.0
    for term in terms { ap = ap + term }
    return ap
  }
}
