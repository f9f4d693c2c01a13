/// The frame-AP of one label under one protocol.
public struct ClassAP: Sendable, Codable, Equatable {
  /// Class name.
  public var label: String
  /// AP in percent; `nil` when the protocol leaves the label out of the mean (no ground truth).
  public var ap: Double?
  /// Ground-truth boxes of the label in the split (the positives).
  public var groundTruthBoxes: Int
  /// Detections of the label that were ranked and matched.
  public var detections: Int
  /// Detections of the label the protocol does not evaluate (`tfod`: boxes with `x1 >= x2` or
  /// `y1 >= y2`; `yowo`: detections on frames without ground truth).
  public var skippedDetections: Int
  /// True positives.
  public var truePositives: Int
  /// False positives.
  public var falsePositives: Int
  /// Recall after each ranked detection (`act` starts with its (0, 1) anchor).
  public var recall: [Float]
  /// Precision after each ranked detection, parallel to ``recall``.
  public var precision: [Float]
  /// Lowest AP in percent any order of equal scores gives (see ``TieInterval``); `nil` when not
  /// computed or the label is out of the mean.
  public var apLowest: Double? = nil
  /// Highest AP in percent any order of equal scores gives (see ``TieInterval``).
  public var apHighest: Double? = nil
  /// Whether ``apLowest`` and ``apHighest`` are exact in the sense of ``TieInterval/isExact``
  /// (`false`: a guaranteed bound that may be wider, `act` only); `nil` when not computed.
  public var apTieIntervalExact: Bool? = nil

  /// Creates a per-label result.
  public init(
    label: String, ap: Double?, groundTruthBoxes: Int, detections: Int, skippedDetections: Int,
    truePositives: Int, falsePositives: Int, recall: [Float], precision: [Float]
  ) {
    self.label = label
    self.ap = ap
    self.groundTruthBoxes = groundTruthBoxes
    self.detections = detections
    self.skippedDetections = skippedDetections
    self.truePositives = truePositives
    self.falsePositives = falsePositives
    self.recall = recall
    self.precision = precision
  }
}

/// Frame-mAP of a detection set on one split under one protocol.
public struct FrameMAPReport: Sendable, Codable, Equatable {
  /// The protocol used.
  public var frameProtocol: FrameAPProtocol
  /// The tie rule requested.
  public var ties: TieRule
  /// The tie rule as applied, in words (printed with the results).
  public var tieStatement: String
  /// IoU threshold; a detection matches when IoU ≥ this.
  public var iouThreshold: Double
  /// Number of videos in the split.
  public var videoCount: Int
  /// One entry per label, in label-list order.
  public var classes: [ClassAP]
  /// Mean AP in percent over the labels the protocol averages (see ``ClassAP/ap``).
  public var mAP: Double
  /// Degenerate inputs met and what was done about them.
  public var warnings: [String]
  /// The range of mAP over all orders of equal scores; `nil` when not computed.
  public var tieInterval: TieInterval? = nil

  /// Creates a report.
  public init(
    frameProtocol: FrameAPProtocol, ties: TieRule, tieStatement: String, iouThreshold: Double,
    videoCount: Int, classes: [ClassAP], mAP: Double, warnings: [String], tieInterval: TieInterval? = nil
  ) {
    self.frameProtocol = frameProtocol
    self.ties = ties
    self.tieStatement = tieStatement
    self.iouThreshold = iouThreshold
    self.videoCount = videoCount
    self.classes = classes
    self.mAP = mAP
    self.warnings = warnings
    self.tieInterval = tieInterval
  }

  /// Total ground-truth boxes over all labels.
  public var groundTruthBoxes: Int { classes.reduce(0) { $0 + $1.groundTruthBoxes } }
  /// Total evaluated detections over all labels.
  public var detections: Int { classes.reduce(0) { $0 + $1.detections } }
  /// Total true positives.
  public var truePositives: Int { classes.reduce(0) { $0 + $1.truePositives } }
  /// Total false positives.
  public var falsePositives: Int { classes.reduce(0) { $0 + $1.falsePositives } }
}
