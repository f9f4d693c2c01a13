import Foundation

extension FrameMAPReport {
  /// The per-label table and the mAP as aligned text, preceded by the protocol and tie rule:
  ///
  /// ```
  /// protocol: act — ACT/MOC: +1-pixel IoU, …
  /// ties: stable (equal scores keep input order: …)
  /// IoU threshold: 0.5
  ///
  /// label             AP   GT boxes  detections    TP    FP
  /// brush_hair     71.42        446         512   402   110
  /// …
  /// mAP            65.43       9139       11211  7003  4208
  /// ```
  public func table(title: String? = nil) -> String {
    var out = ""
    if let title { out += "\(title)\n" }
    out += "protocol: \(frameProtocol.rawValue) — \(frameProtocol.summary)\n"
    out += "\(tieStatement)\n"
    out += "IoU threshold: \(iouThreshold) (a match needs IoU >= threshold); videos: \(videoCount)\n\n"
    let showSkipped = classes.contains { $0.skippedDetections > 0 }
    var header = ["label", "AP", "GT boxes", "detections", "TP", "FP"]
    if showSkipped { header.append(frameProtocol == .yowo ? "off-GT frames" : "dropped") }
    var rows: [[String]] = []
    for c in classes {
      var row = [
        c.label, c.ap.map { String(format: "%.2f", $0) } ?? "-", "\(c.groundTruthBoxes)", "\(c.detections)",
        "\(c.truePositives)", "\(c.falsePositives)",
      ]
      if showSkipped { row.append("\(c.skippedDetections)") }
      rows.append(row)
    }
    var total = [
      "mAP", String(format: "%.2f", mAP), "\(groundTruthBoxes)", "\(detections)", "\(truePositives)",
      "\(falsePositives)",
    ]
    if showSkipped { total.append("\(classes.reduce(0) { $0 + $1.skippedDetections })") }
    out += Self.aligned(header: header, rows: rows, footer: total)
    if let tieInterval { out += "\(tieInterval.statement)\n" }
    let excluded = classes.filter { $0.ap == nil }.count
    if excluded > 0 {
      out += "(\(excluded) label(s) without ground truth are left out of the mean: AP shown as -)\n"
    }
    return out
  }

  /// Left-aligns the first column and right-aligns the others, with a rule above the footer.
  static func aligned(header: [String], rows: [[String]], footer: [String]) -> String {
    let all = [header] + rows + [footer]
    let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return i == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    var out = line(header) + "\n"
    for row in rows { out += line(row) + "\n" }
    out += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n"
    out += line(footer) + "\n"
    return out
  }
}
