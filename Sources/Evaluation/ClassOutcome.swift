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
}

extension FlatDetections {
  /// True when row `d` has a non-finite coordinate (it never matches anything).
  @inline(__always)
  func hasNonFiniteBox(_ d: Int) -> Bool {
    !(x1[d].isFinite && y1[d].isFinite && x2[d].isFinite && y2[d].isFinite)
  }
}
