import Datasets
import Evaluation

/// Writes the precision-recall plots of `eval-framemap --plots`.
enum PlotWriter {
  /// One PNG per class and split plus a summary PNG, into `directory`.
  static func write(_ reports: [FrameMAPReport], splits: [Int], dataset: Dataset, to directory: String) throws
  {
    throw EvalFrameMAPError("\(directory): --plots is not available yet (waiting for the Rendering plots)")
  }
}
