import Datasets
import Foundation

extension FrameMAPInputOptions {
  /// The ground truth: `--gt` if given, else the dataset's shipped file under `--annotations`.
  func loadGroundTruth(dataset: Dataset) throws -> (gt: GroundTruth, source: String) {
    let layout = DatasetLayout(dataset, root: annotations)
    guard let path = gt else {
      return (try layout.loadGroundTruth(), layout.groundTruthPath)
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      let base = try layout.loadGroundTruth()
      let yowo = try YOWOGroundTruth(directory: path, labels: base.labels)
      guard yowo.boxCount > 0 else {
        throw EvalFrameMAPError("\(path): no YOWO ground-truth files (<video>_<frame>.txt) in the folder")
      }
      return (yowo.groundTruth(base: base), "\(path) (YOWO text files, \(yowo.frames.count) frames)")
    }
    let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
    if name.hasPrefix("pyannot") && name.hasSuffix(".pkl") {
      guard dataset == .ucf24 else {
        throw EvalFrameMAPError(
          "\(path): pyannot ground truth is UCF-101-24 only, dataset is \(dataset.rawValue)")
      }
      return (try GroundTruth(pyannotAt: path, testListAt: layout.testListPath(split: 1)), path)
    }
    guard name.hasSuffix(".pkl") else {
      throw EvalFrameMAPError(
        "\(path): unsupported ground-truth format (expected an ACT-format .pkl, pyannot.pkl or a folder "
          + "of YOWO text files)")
    }
    return (try GroundTruth(actPickleAt: path), path)
  }

  /// The videos to evaluate for 1-based `split`: the ground truth's test list, optionally
  /// restricted to `--videos`.
  func splitVideos(_ gt: GroundTruth, split: Int) throws -> [String] {
    guard split >= 1 && split <= gt.testVideos.count else {
      throw EvalFrameMAPError("the ground truth has \(gt.testVideos.count) split(s), asked for split\(split)")
    }
    let all = gt.testVideos[split - 1]
    guard let listPath = videos else { return all }
    guard let data = FileManager.default.contents(atPath: listPath) else {
      throw EvalFrameMAPError("\(listPath): cannot open the video list (missing or unreadable)")
    }
    let wanted = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
      .compactMap { $0.split(separator: " ").first.map(String.init) }
    let inSplit = Set(all)
    if let stranger = wanted.first(where: { !inSplit.contains($0) }) {
      throw EvalFrameMAPError("\(listPath): video '\(stranger)' is not in the test list of split\(split)")
    }
    let keep = Set(wanted)
    return all.filter { keep.contains($0) }
  }
}
