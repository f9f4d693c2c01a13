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

  /// One line for the table footer.
  public var statement: String {
    "tie interval: mAP \(Self.format(lowestMAP)) to \(Self.format(highestMAP)) (width "
      + "\(Self.format(width, digits: 4))) over every order of equal scores: true or false positives first"
  }

  private static func format(_ value: Double, digits: Int = 2) -> String {
    let scale = digits == 2 ? 100.0 : 10000.0
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    let decimals = text.split(separator: ".").last.map(\.count) ?? 0
    if !text.contains(".") { text += "." }
    return text + String(repeating: "0", count: max(0, digits - decimals))
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
