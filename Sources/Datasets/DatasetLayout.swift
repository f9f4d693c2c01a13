import Foundation

/// Where a dataset's annotation files live under a root directory (default `annotations`, the
/// folder shipped with the product), and how to load them.
///
/// ```
/// annotations/jhmdb/{labels.txt, trainlist01…03.txt, testlist01…03.txt, JHMDB-GT.pkl}
/// annotations/ucf24/{labels.txt, trainlist01.txt, testlist01.txt, pyannot.pkl [, UCF101v2-GT.pkl]}
/// ```
public struct DatasetLayout: Sendable {
  /// The dataset.
  public var dataset: Dataset
  /// Directory holding `jhmdb/` and `ucf24/`.
  public var root: String

  /// A layout of `dataset` under `root`.
  public init(_ dataset: Dataset, root: String = "annotations") {
    self.dataset = dataset
    self.root = root
  }

  /// `root/jhmdb` or `root/ucf24`.
  public var directory: String { "\(root)/\(dataset.rawValue)" }

  /// `labels.txt`: one class name per line, in label-index order.
  public var labelsPath: String { "\(directory)/labels.txt" }

  /// The ACT-format pickle if present (`JHMDB-GT.pkl`; `UCF101v2-GT.pkl` when the user added it).
  public var actPicklePath: String {
    "\(directory)/\(dataset == .jhmdb ? "JHMDB-GT.pkl" : "UCF101v2-GT.pkl")"
  }

  /// `pyannot.pkl` (UCF-101-24 only; the corrected annotations shipped in `annotations/ucf24`).
  public var pyannotPath: String { "\(directory)/pyannot.pkl" }

  /// The ground-truth file ``loadGroundTruth()`` reads: the ACT pickle if it exists, else
  /// (UCF-101-24) `pyannot.pkl`.
  public var groundTruthPath: String {
    if dataset == .ucf24, !FileManager.default.fileExists(atPath: actPicklePath) { return pyannotPath }
    return actPicklePath
  }

  /// `testlist0K.txt` of 1-based `split`.
  public func testListPath(split: Int) -> String { "\(directory)/testlist\(twoDigits(split)).txt" }

  /// `trainlist0K.txt` of 1-based `split`.
  public func trainListPath(split: Int) -> String { "\(directory)/trainlist\(twoDigits(split)).txt" }

  /// Loads the ground truth from ``groundTruthPath`` (pyannot is read with split 1's test list
  /// and the default box convention).
  public func loadGroundTruth() throws -> GroundTruth {
    let path = groundTruthPath
    if path == pyannotPath, dataset == .ucf24 {
      return try GroundTruth(pyannotAt: path, testListAt: testListPath(split: 1))
    }
    return try GroundTruth(actPickleAt: path)
  }

  /// The class names in `labels.txt`.
  public func readLabels() throws -> [String] { try FileIO.lines(labelsPath) }

  /// The video ids of a split list (`testListPath(split:)` or `trainListPath(split:)`).
  public static func readVideoList(at path: String) throws -> [String] { try FileIO.lines(path) }

  private func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
