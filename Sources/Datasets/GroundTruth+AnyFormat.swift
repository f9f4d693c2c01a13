import Foundation

extension GroundTruth {
  /// Reads ground truth from a pickle in either format people have, telling them apart by
  /// content: an ACT-format file (`JHMDB-GT.pkl`, `UCF101v2-GT.pkl`) is a dict with `labels` and
  /// `gttubes`; anything else is read as the corrected UCF-101-24 `pyannot.pkl`, with
  /// `testlist01.txt` beside it as the test split when that file exists.
  ///
  /// - Throws: ``DatasetError`` naming the file and what is wrong with it.
  public init(contentsOf path: String) throws {
    let (root, byteCount) = try Unpickler.loadFile(path)
    if root["labels"] != nil || root["gttubes"] != nil {
      try self.init(actPickle: root, source: path, maxBoxes: byteCount)
      return
    }
    let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    let testList = directory + "/testlist01.txt"
    let hasTestList = FileManager.default.isReadableFile(atPath: testList)
    try self.init(pyannotAt: path, testListAt: hasTestList ? testList : nil)
  }
}
