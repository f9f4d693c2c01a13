import Foundation

extension FrameMAPReport {
  /// The report with every precision-recall curve thinned to at most `points` points (the first,
  /// the last and evenly spaced ones between), for compact JSON.
  public func thinningCurves(to points: Int) -> FrameMAPReport {
    var copy = self
    for i in copy.classes.indices {
      let n = copy.classes[i].recall.count
      guard n > points, points >= 2 else { continue }
      let picks = (0..<points).map { $0 * (n - 1) / (points - 1) }
      copy.classes[i].recall = picks.map { copy.classes[i].recall[$0] }
      copy.classes[i].precision = picks.map { copy.classes[i].precision[$0] }
    }
    return copy
  }
}

/// JSON for machines: pretty-printed, keys sorted, curves thinned.
public enum FrameMAPJSON {
  /// Encodes one split's report (curves thinned to `curvePoints`).
  public static func encode(_ report: FrameMAPReport, curvePoints: Int = 200) throws -> Data {
    try encoder().encode(report.thinningCurves(to: curvePoints))
  }

  /// Encodes an all-splits report: the per-split reports, the mean of their mAPs and its tie
  /// interval.
  public static func encode(_ report: SplitMeanReport, curvePoints: Int = 200) throws -> Data {
    struct Payload: Encodable {
      var meanMAP: Double
      var meanTieInterval: TieInterval?
      var splits: [FrameMAPReport]
    }
    return try encoder().encode(
      Payload(
        meanMAP: report.meanMAP, meanTieInterval: report.meanTieInterval,
        splits: report.splits.map { $0.thinningCurves(to: curvePoints) }))
  }

  private static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return encoder
  }
}
