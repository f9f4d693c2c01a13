import Foundation

/// JHMDB's customary "all splits" number: the mean of the per-split mAPs (not a pooled AP).
public struct SplitMeanReport: Sendable, Codable, Equatable {
  /// One report per split, split 1 first.
  public var splits: [FrameMAPReport]

  /// Wraps the per-split reports.
  public init(splits: [FrameMAPReport]) {
    self.splits = splits
  }

  /// Mean of the split mAPs, in percent (0 when there are no splits).
  public var meanMAP: Double {
    splits.isEmpty ? 0 : splits.reduce(0) { $0 + $1.mAP } / Double(splits.count)
  }

  /// The tie interval of ``meanMAP``: the means of the splits' lowest and highest mAPs (splits
  /// break their ties independently), exact when every split's is; `nil` unless every split has one.
  public var meanTieInterval: TieInterval? {
    let intervals = splits.compactMap(\.tieInterval)
    guard !splits.isEmpty, intervals.count == splits.count else { return nil }
    let n = Double(intervals.count)
    return TieInterval(
      lowestMAP: intervals.reduce(0) { $0 + $1.lowestMAP } / n,
      highestMAP: intervals.reduce(0) { $0 + $1.highestMAP } / n, isExact: intervals.allSatisfy(\.isExact))
  }

  /// Per-label AP averaged over the splits where the label is in the mean (`nil` if in none).
  public var meanClassAP: [(label: String, ap: Double?)] {
    guard let first = splits.first else { return [] }
    return first.classes.indices.map { c in
      let values = splits.compactMap { c < $0.classes.count ? $0.classes[c].ap : nil }
      return (first.classes[c].label, values.isEmpty ? nil : values.reduce(0, +) / Double(values.count))
    }
  }

  /// A summary table: one column per split and the mean, one row per label, the mAPs last.
  public func table() -> String {
    let header = ["label"] + splits.indices.map { "split\($0 + 1)" } + ["mean"]
    var rows: [[String]] = []
    for (c, entry) in meanClassAP.enumerated() {
      var row = [entry.label]
      for split in splits {
        row.append(
          c < split.classes.count ? split.classes[c].ap.map { String(format: "%.2f", $0) } ?? "-" : "-")
      }
      row.append(entry.ap.map { String(format: "%.2f", $0) } ?? "-")
      rows.append(row)
    }
    let footer = ["mAP"] + splits.map { String(format: "%.2f", $0.mAP) } + [String(format: "%.2f", meanMAP)]
    return "mean over \(splits.count) splits (mean of the split mAPs)\n\n"
      + FrameMAPReport.aligned(header: header, rows: rows, footer: footer)
      + (meanTieInterval.map { "\($0.statement)\n" } ?? "")
  }
}
