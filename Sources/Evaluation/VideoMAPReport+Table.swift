import Foundation

extension VideoMAPReport {
  /// Per-label AP (rows) at each threshold (columns), the mAP row, and the 0.5:0.95 mean when
  /// available:
  ///
  /// ```
  /// label          GT tubes  tubes  AP@0.2  AP@0.5  …  AP@0.95
  /// brush_hair            2      5   75.00   50.00  …     0.00
  /// …
  /// mAP                  42    150   59.50   40.32  …     0.00
  /// mAP@0.5:0.95: 17.96
  /// ```
  public func table(title: String? = nil) -> String {
    var out = title.map { "\($0)\n" } ?? ""
    guard let first = results.first else { return out + "no threshold evaluated\n" }
    let header =
      ["label", "GT tubes", "tubes"] + results.map { "AP@\(Self.format(threshold: $0.threshold))" }
    var rows: [[String]] = []
    for (i, c) in first.classes.enumerated() {
      rows.append(
        [c.label, "\(c.groundTruthTubes)", "\(c.detectedTubes)"]
          + results.map { String(format: "%.2f", $0.classes[i].ap) })
    }
    let footer =
      [
        "mAP", "\(first.classes.reduce(0) { $0 + $1.groundTruthTubes })",
        "\(first.classes.reduce(0) { $0 + $1.detectedTubes })",
      ] + results.map { String(format: "%.2f", $0.mAP) }
    out += FrameMAPReport.aligned(header: header, rows: rows, footer: footer)
    if let mean = meanOverCOCOThresholds { out += String(format: "mAP@0.5:0.95: %.2f\n", mean) }
    return out
  }

  /// `0.2`, `0.55`: the threshold with at most two decimals.
  static func format(threshold: Double) -> String {
    var text = String(format: "%.2f", threshold)
    while text.hasSuffix("0") { text.removeLast() }
    return text.hasSuffix(".") ? text + "0" : text
  }

  /// Pretty-printed JSON with sorted keys; `meanOverCOCOThresholds` is included when available, and
  /// the protocol and linking (`videoAPProtocol`, `linking`) when given.
  public func json(protocol videoAPProtocol: VideoAPProtocol? = nil, linking: TubeLinking? = nil) throws
    -> Data
  {
    struct Payload: Encodable {
      var results: [VideoAPResult]
      var mAP050to095: Double?
      var videoAPProtocol: VideoAPProtocol?
      var linking: TubeLinking?
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(
      Payload(
        results: results, mAP050to095: meanOverCOCOThresholds, videoAPProtocol: videoAPProtocol,
        linking: linking))
  }
}
