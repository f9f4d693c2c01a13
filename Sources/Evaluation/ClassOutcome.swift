/// What one protocol computed for one label, before the report is assembled.
struct ClassOutcome: Sendable {
  /// The AP in the protocol's native form: `act` a float32 percentage, `voc` a float64 percentage,
  /// `tfod` and `yowo` a float64 fraction.
  var value: Double = 0
  /// Detections ranked and matched.
  var evaluated = 0
  /// True positives.
  var truePositives = 0
  /// False positives.
  var falsePositives = 0
  /// Detections the protocol does not evaluate (`tfod`: boxes with `x1 >= x2` or `y1 >= y2`;
  /// `yowo`: detections on frames without ground truth).
  var skipped = 0
  /// Recall after each ranked detection (with the (0, 1) anchor first for `act`).
  var recall: [Float] = []
  /// Precision after each ranked detection.
  var precision: [Float] = []
  /// Whether each detection the protocol ranked was a true positive, indexed like the scores it
  /// ranked (not in rank order); the input of the tie-interval orders.
  var truePositiveByIndex: [Bool] = []
}

/// The label's detections and everything a protocol needs to match them.
struct ClassInput {
  /// Label index.
  var label: Int32
  /// First row of the label in ``FlatDetections``.
  var start: Int
  /// Number of rows.
  var count: Int
  /// IoU threshold (a match needs IoU ≥ threshold).
  var threshold: Double
  /// Tie rule requested.
  var ties: TieRule
  /// When set (tie interval), each run of equal scores is reordered so that the detections flagged
  /// here come first (`truePositivesFirst`) or last, keeping the tie rule's order otherwise, and
  /// the flags are replayed as the true positives instead of matching again.
  var tieExtreme: (flags: [Bool], truePositivesFirst: Bool)? = nil

  /// The protocol's ranking `base` (positions into `scores`, descending), with ``tieExtreme``
  /// applied when set.
  func ranked(_ base: [Int], scores: ArraySlice<Float>) -> [Int] {
    guard let tieExtreme else { return base }
    return Ranking.partitioningTies(
      base, scores: Array(scores), flags: tieExtreme.flags, flaggedFirst: tieExtreme.truePositivesFirst)
  }
}

extension FlatDetections {
  /// True when row `d` has a non-finite coordinate (it never matches anything).
  @inline(__always)
  func hasNonFiniteBox(_ d: Int) -> Bool {
    !(x1[d].isFinite && y1[d].isFinite && x2[d].isFinite && y2[d].isFinite)
  }
}
