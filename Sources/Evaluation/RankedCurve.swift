/// Precision and recall after each ranked detection of one label, in float64, and the
/// VOC all-point outcome they give: the part the `voc`, `tfod` and `yowo` protocols share
/// once each has decided, in its own way, which ranked detections are true positives.
struct RankedCurve {
  /// Ground-truth boxes of the label (the recall denominator).
  let positives: Double
  /// Recall after each detection, `tp / positives`.
  private(set) var recall: [Double] = []
  /// Precision after each detection, `tp / (tp + fp)`.
  private(set) var precision: [Double] = []
  /// True positives so far.
  private(set) var truePositives = 0
  /// False positives so far.
  private(set) var falsePositives = 0

  /// An empty curve for a label with `positives` ground-truth boxes and about `capacity` detections.
  init(positives: Int, capacity: Int) {
    self.positives = Double(positives)
    recall.reserveCapacity(capacity)
    precision.reserveCapacity(capacity)
  }

  /// Adds the next detection in rank order.
  mutating func append(isTruePositive: Bool) {
    if isTruePositive { truePositives += 1 } else { falsePositives += 1 }
    precision.append(Double(truePositives) / Double(truePositives + falsePositives))
    recall.append(Double(truePositives) / positives)
  }

  /// The outcome with VOC all-point AP times `scale` (`pairwise`: numpy's summation order, else
  /// a Python loop's), and `skipped` detections the protocol did not evaluate.
  func vocOutcome(pairwise: Bool, scale: Double = 1, skipped: Int = 0) -> ClassOutcome {
    var outcome = ClassOutcome()
    outcome.value =
      scale * AveragePrecision.vocAllPoint(recall: recall, precision: precision, pairwise: pairwise)
    outcome.evaluated = recall.count
    outcome.truePositives = truePositives
    outcome.falsePositives = falsePositives
    outcome.skipped = skipped
    outcome.recall = recall.map { Float($0) }
    outcome.precision = precision.map { Float($0) }
    return outcome
  }
}
