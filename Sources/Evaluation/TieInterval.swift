import Foundation

/// The lowest and highest mAP that reordering detections with equal scores can give: how much
/// of a difference between two results may be tie noise.
///
/// Per label, the ranking is a sequence of runs of equal scores. Each end is the protocol's AP of
/// a true/false-positive sequence with, in each run, as many true positives as some bound allows,
/// placed first (highest AP) or last (lowest AP); the per-label bounds are averaged the way the
/// protocol averages APs. AP only grows when true positives move ahead or are added (for VOC
/// all-point AP and for ACT's trapezoid alike), so a sequence whose running count of true
/// positives is at least (at most) every order's at every rank bounds every order's AP.
///
/// - `voc`, `tfod`, `yowo`: the number of true positives in a run does not depend on the order
///   inside it (`tfod` matches before ranking; under the VOC rule a box goes to whichever of the
///   run's detections comes first among those whose best box it is, and the boxes taken by the
///   end of the run are the same), so the tie rule's true positives, moved first or last within
///   each run, bound every order. ``isExact`` is `true`: the upper end is reached by an order, the
///   lower one too unless two equal-scored detections compete for one box.
/// - `act`: a detection takes its best *remaining* box and may fall back to a second-best one, so
///   the order inside a run can change how many detections match. ``ACTTieBounds`` enumerates,
///   frame by frame, the counts every order can give (matching bounds for frames too large to
///   enumerate). When no count depends on the order this is the computation above and
///   ``isExact`` is `true`; otherwise the interval still contains every order's mAP but may be
///   wider than the true range, and ``isExact`` is `false`.
///
/// The bounds hold in exact arithmetic; `act` computes AP in float32 like ACT, so orders within
/// about 1e-5 AP points of an end can pass it by rounding.
public struct TieInterval: Sendable, Codable, Equatable {
  /// Lowest mAP in percent (false positives first within every run of equal scores).
  public var lowestMAP: Double
  /// Highest mAP in percent (true positives first within every run of equal scores).
  public var highestMAP: Double
  /// `true` when the ends are the tie rule's true positives moved last / first within each run
  /// (always for `voc`, `tfod` and `yowo`; for `act` when no frame's true-positive count depends on
  /// the order of ties); `false` when the interval is a guaranteed bound that may be wider than
  /// the true range. JSON key `exact`; `true` when absent (reports from before the key existed).
  public var isExact: Bool

  /// Creates an interval.
  public init(lowestMAP: Double, highestMAP: Double, isExact: Bool = true) {
    self.lowestMAP = lowestMAP
    self.highestMAP = highestMAP
    self.isExact = isExact
  }

  private enum CodingKeys: String, CodingKey {
    case lowestMAP, highestMAP
    case isExact = "exact"
  }

  /// Decodes an interval; reports written before ``isExact`` existed decode as exact.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    lowestMAP = try container.decode(Double.self, forKey: .lowestMAP)
    highestMAP = try container.decode(Double.self, forKey: .highestMAP)
    isExact = try container.decodeIfPresent(Bool.self, forKey: .isExact) ?? true
  }

  /// `highestMAP - lowestMAP`, in AP points.
  public var width: Double { highestMAP - lowestMAP }

  /// `true` when `mAP` lies in the interval, allowing `slack` AP points of rounding.
  public func contains(_ mAP: Double, slack: Double = 1e-9) -> Bool {
    mAP >= lowestMAP - slack && mAP <= highestMAP + slack
  }

  /// One line for the table footer, for example
  /// `tie interval: mAP 63.10 to 63.45 (width 0.3500) over every order of equal scores (…)`, or,
  /// when not ``isExact``, `tie interval: mAP 63.10 to 63.45 (width 0.3500), a bound over every
  /// order of equal scores (…)`.
  public var statement: String {
    let ends = String(format: "tie interval: mAP %.2f to %.2f (width %.4f)", lowestMAP, highestMAP, width)
    return isExact
      ? ends
        + " over every order of equal scores (true positives last / first within each run of equal scores)"
      : ends + ", a bound over every order of equal scores, not exact: some frames have tied detections that "
        + "can fall back to another box, so the order changes how many match; the true range may be narrower"
  }
}

extension FrameMAPEvaluator {
  /// Evaluates every label twice more (the upper and the lower true-positive placement within each
  /// run of equal scores) and records the per-label and mean bounds in `report`. `act` places the
  /// counts of ``ACTTieBounds``, the other protocols the tie rule's own true positives.
  func applyTieInterval(
    to report: inout FrameMAPReport, base: [ClassOutcome], _ frameProtocol: FrameAPProtocol, _ ties: TieRule,
    _ iouThreshold: Double
  ) {
    let bounds = frameProtocol == .act ? actTieBounds(iouThreshold) : nil
    let first = evaluateLabels(frameProtocol, ties, iouThreshold) {
      (bounds?[$0].upperFlags ?? base[$0].truePositiveByIndex, true)
    }
    let last = evaluateLabels(frameProtocol, ties, iouThreshold) {
      (bounds?[$0].lowerFlags ?? base[$0].truePositiveByIndex, false)
    }
    let inMean = self.inMean(frameProtocol)
    var lows = base
    var highs = base
    var exact = true
    for c in base.indices {
      // The tie rule's own AP lies between the two in exact arithmetic; kept against float32 rounding.
      let values = [base[c].value, first[c].value, last[c].value]
      lows[c].value = values.min() ?? base[c].value
      highs[c].value = values.max() ?? base[c].value
      let labelExact = bounds?[c].isExact ?? true
      if inMean[c] { exact = exact && labelExact }
      if report.classes[c].ap != nil {
        report.classes[c].apLowest = Self.percent(lows[c].value, frameProtocol)
        report.classes[c].apHighest = Self.percent(highs[c].value, frameProtocol)
        report.classes[c].apTieIntervalExact = labelExact
      }
    }
    report.tieInterval = TieInterval(
      lowestMAP: MeanAP.mean(frameProtocol, outcomes: lows, inMean: inMean),
      highestMAP: MeanAP.mean(frameProtocol, outcomes: highs, inMean: inMean), isExact: exact)
  }
}
