import Datasets
import Evaluation
import Foundation
import Rendering

/// Writes the precision-recall charts of `eval-framemap --plots`.
enum PlotWriter {
  /// Into `directory` (created if needed): per split, `split<K>_<NN>_<label>.png` for every label
  /// and `split<K>_summary.png` with all labels. Returns the paths written.
  @discardableResult
  static func write(_ reports: [FrameMAPReport], splits: [Int], dataset: Dataset, to directory: String) throws
    -> [String]
  {
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw EvalFrameMAPError("\(directory): cannot create the plot folder (\(error.localizedDescription))")
    }
    var written: [String] = []
    for (report, split) in zip(reports, splits) {
      let heading =
        "\(dataset.displayName) split\(split), \(report.frameProtocol.rawValue), IoU \(report.iouThreshold)"
      let curves = report.precisionRecallCurves()
      for (i, curve) in curves.enumerated() {
        let number = i + 1 < 10 ? "0\(i + 1)" : "\(i + 1)"
        let name = "split\(split)_\(number)_\(safeName(curve.label)).png"
        let path = (directory as NSString).appendingPathComponent(name)
        try save(PRPlots.classPlot(curve, title: "\(curve.label): \(heading)"), to: path)
        written.append(path)
      }
      let path = (directory as NSString).appendingPathComponent("split\(split)_summary.png")
      let title = "\(heading): mAP \(String(format: "%.2f", report.mAP))"
      try save(PRPlots.summaryPlot(curves, title: title), to: path)
      written.append(path)
    }
    return written
  }

  private static func save(_ plot: LinePlot, to path: String) throws {
    do {
      try plot.render().writePNG(to: path)
    } catch {
      throw EvalFrameMAPError("\(error)")
    }
  }

  /// Letters, digits, `-` and `_` kept; everything else becomes `_`.
  private static func safeName(_ label: String) -> String {
    String(label.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
  }
}
