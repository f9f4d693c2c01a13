/// The mean over labels, as each reference computes it.
enum MeanAP {
  /// The mAP in percent from per-label outcomes (``ClassOutcome/value`` in native form).
  static func mean(_ frameProtocol: FrameAPProtocol, outcomes: [ClassOutcome], inMean: [Bool]) -> Double {
    switch frameProtocol {
    case .act:
      // np.mean of the float32 array 100*ap over every label.
      let values = outcomes.map { Float($0.value) }
      guard !values.isEmpty else { return 0 }
      return Double(PairwiseSum.sum(values) / Float(values.count))
    case .voc:
      // np.mean of 100*ap over the labels with ground truth.
      let values = zip(outcomes, inMean).filter { $0.1 }.map { $0.0.value }
      guard !values.isEmpty else { return 0 }
      return PairwiseSum.sum(values) / Double(values.count)
    case .tfod:
      // np.nanmean over every label, NaN (no ground truth) replaced by 0 in the sum.
      let values = zip(outcomes, inMean).map { $0.1 ? $0.0.value : 0 }
      let count = inMean.count { $0 }
      guard count > 0 else { return 0 }
      return 100 * (PairwiseSum.sum(values) / Double(count))
    case .yowo:
      // Python loop over class ids sorted as strings ("1", "10", "11", …, "2", …).
      let order = outcomes.indices.sorted { String($0 + 1) < String($1 + 1) }
      var sum = 0.0
      var count = 0
      for c in order where inMean[c] {
        sum = sum + outcomes[c].value
        count += 1
      }
      guard count > 0 else { return 0 }
      return 100 * (sum / Double(count))
    }
  }
}
