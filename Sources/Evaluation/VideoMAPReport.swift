/// Video-AP of every label at one spatio-temporal IoU threshold.
public struct VideoAPResult: Sendable, Codable, Equatable {
  /// One label's outcome.
  public struct Class: Sendable, Codable, Equatable {
    /// Class name.
    public var label: String
    /// AP in percent (float32 value, as the reference computes it).
    public var ap: Double
    /// Ground-truth tubes of the label in the evaluated videos.
    public var groundTruthTubes: Int
    /// Detected tubes of the label after the per-video tube NMS.
    public var detectedTubes: Int
    /// Detected tubes matched to a ground-truth tube.
    public var truePositives: Int
    /// Detected tubes left unmatched.
    public var falsePositives: Int
  }

  /// Spatio-temporal IoU a match needs (`>=`).
  public var threshold: Double
  /// Mean AP over every label, in percent.
  public var mAP: Double
  /// Per label, in ground-truth order.
  public var classes: [Class]
}

/// Video-AP at several thresholds.
public struct VideoMAPReport: Sendable, Codable, Equatable {
  /// The thresholds customarily reported: 0.2, then 0.5, 0.55, …, 0.95 (computed as MOC does,
  /// `0.5 + 0.05 * i`; they include 0.5 and 0.75 and give the 0.5:0.95 mean).
  public static let standardThresholds: [Double] = [0.2] + (0..<10).map { 0.5 + 0.05 * Double($0) }

  /// One result per threshold, in the order evaluated.
  public var results: [VideoAPResult]

  /// Creates a report from per-threshold results.
  public init(results: [VideoAPResult]) {
    self.results = results
  }

  /// MOC's `videpAP_050_095`: the float64 mean of the mAPs at `0.5 + 0.05 * i`, i = 0…9, when all
  /// ten were evaluated; `nil` otherwise.
  public var meanOverCOCOThresholds: Double? {
    var total = 0.0
    for i in 0..<10 {
      let threshold = 0.5 + 0.05 * Double(i)
      guard let result = results.first(where: { $0.threshold == threshold }) else { return nil }
      total += result.mAP
    }
    return total / 10
  }
}
