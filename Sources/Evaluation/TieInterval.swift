import Foundation

/// The lowest and highest mAP that reordering detections with equal scores can give: how much
/// of a difference between two results may be tie noise.
///
/// Per label, the true/false-positive sequence of the tie rule's ranking is rearranged within
/// each run of equal scores, true positives first (highest AP) and last (lowest AP), and the
/// protocol's AP formula is applied to both; the per-label bounds are averaged the way the
/// protocol averages APs.
///
/// For `voc`, `tfod` and `yowo` this bounds every tie order: the number of true positives in a
/// run does not depend on the order inside it (`tfod` matches before ranking; under the VOC rule
/// a box goes to whichever of the run's detections comes first among those whose best box it is,
/// and the boxes taken by the end of the run are the same), and AP only grows as true positives
/// move ahead within a run. The upper bound is always reached; the lower one is reached unless two
/// equal-scored detections compete for one box. For `act` a detection may fall back to a
/// second-best remaining box, so the order inside a run can change how many detections match;
/// the interval then uses the tie rule's matches and is an estimate, not a guaranteed bound.
public struct TieInterval: Sendable, Codable, Equatable {
  /// Lowest mAP in percent (false positives first within every run of equal scores).
  public var lowestMAP: Double
  /// Highest mAP in percent (true positives first within every run of equal scores).
  public var highestMAP: Double

  /// Creates an interval.
  public init(lowestMAP: Double, highestMAP: Double) {
    self.lowestMAP = lowestMAP
    self.highestMAP = highestMAP
  }

  /// `highestMAP - lowestMAP`, in AP points.
  public var width: Double { highestMAP - lowestMAP }

  /// `true` when `mAP` lies in the interval, allowing `slack` AP points of rounding.
  public func contains(_ mAP: Double, slack: Double = 1e-9) -> Bool {
    mAP >= lowestMAP - slack && mAP <= highestMAP + slack
  }

  /// One line for the table footer, for example
  /// `tie interval: mAP 63.10 to 63.45 (width 0.3500) over every order of equal scores`.
  public var statement: String {
    String(
      format: "tie interval: mAP %.2f to %.2f (width %.4f) over every order of equal scores "
        + "(true positives last / first within each run of equal scores)", lowestMAP, highestMAP, width)
  }
}

extension FrameMAPEvaluator {
  /// Evaluates every label twice more (true positives first, then last, within each run of equal
  /// scores) and records the per-label and mean bounds in `report`.
  func applyTieInterval(
    to report: inout FrameMAPReport, base: [ClassOutcome], _ frameProtocol: FrameAPProtocol, _ ties: TieRule,
    _ iouThreshold: Double
  ) {
    let first = evaluateLabels(frameProtocol, ties, iouThreshold) { (base[$0].truePositiveByIndex, true) }
    let last = evaluateLabels(frameProtocol, ties, iouThreshold) { (base[$0].truePositiveByIndex, false) }
    var lows = base
    var highs = base
    for c in base.indices {
      let values = [base[c].value, first[c].value, last[c].value]
      lows[c].value = values.min() ?? base[c].value
      highs[c].value = values.max() ?? base[c].value
      if report.classes[c].ap != nil {
        report.classes[c].apLowest = Self.percent(lows[c].value, frameProtocol)
        report.classes[c].apHighest = Self.percent(highs[c].value, frameProtocol)
      }
    }
    let inMean = self.inMean(frameProtocol)
    report.tieInterval = TieInterval(
      lowestMAP: MeanAP.mean(frameProtocol, outcomes: lows, inMean: inMean),
      highestMAP: MeanAP.mean(frameProtocol, outcomes: highs, inMean: inMean))
  }
}
