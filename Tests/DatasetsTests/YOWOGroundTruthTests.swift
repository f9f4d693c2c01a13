import Datasets
import Foundation
import Primitives
import Testing

/// YOWO's per-frame text GT: the committed fixture (two split-1 test videos extracted from
/// ../shared/data/gt/jhmdb/yowo_groundtruths_jhmdb.zip by tools/make_annotations.py).
@Suite struct YOWOGroundTruthTests {
  static let directory = "\(TestPaths.fixtures)/yowo_jhmdb"
  static let brushHair = "brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0"
  static let slowClap = "clap/The_Slow_Clap_clap_u_cm_np1_fr_med_4"

  @Test func fixtureParses() throws {
    let gt = try YOWOGroundTruth(directory: Self.directory, labels: Dataset.jhmdb.classNames)
    #expect(gt.frames.count == 67)
    #expect(gt.boxCount == 67)
    #expect(gt.frames.first == .init(video: Self.brushHair, frame: 1))
    #expect(gt.frames.last == .init(video: Self.slowClap, frame: 27))
    // YOWO lacks frames 28…33 of this 33-frame video (frame_map_protocols.md §1.4).
    #expect(gt.frames.filter { $0.video == Self.slowClap }.map(\.frame) == Array(1...27))
    // File `…_00001.txt` holds "1 72 49 248 240": class 1 (brush_hair) → label 0.
    #expect(
      gt.boxes[.init(video: Self.brushHair, frame: 1)] == [
        .init(label: 0, box: Box(x1: 72, y1: 49, x2: 248, y2: 240))
      ])
    #expect(gt.boxes[.init(video: Self.slowClap, frame: 27)]?.first?.label == 2)
  }

  /// Against `JHMDB-GT.pkl` every fixture box is shifted by (+1, +1, +2, +1) px (counted with python3).
  @Test func shiftAgainstACT() throws {
    let yowo = try YOWOGroundTruth(directory: Self.directory, labels: Dataset.jhmdb.classNames)
    let act = try GroundTruth(actPickleAt: "\(TestPaths.annotations)/jhmdb/JHMDB-GT.pkl")
    for key in yowo.frames {
      let tube = try #require(act.videos[key.video]?.tubes.first)
      let a = tube.boxes[key.frame - 1]
      let y = try #require(yowo.boxes[key]?.first).box
      #expect([y.x1 - a.x1, y.y1 - a.y1, y.x2 - a.x2, y.y2 - a.y2] == [1, 1, 2, 1], "\(key)")
    }
  }

  @Test func flatNamesWithoutLabels() throws {
    let gt = try YOWOGroundTruth(files: [("a_b_00012.txt", Array("3 1 2 3 4\n\n5 1.5 2 3 4\r\n".utf8))])
    let key = YOWOGroundTruth.FrameKey(video: "a_b", frame: 12)
    #expect(gt.boxes[key]?.map(\.label) == [2, 4])
    #expect(gt.boxes[key]?.last?.box == Box(x1: 1.5, y1: 2, x2: 3, y2: 4))
  }

  @Test func malformedFilesNameTheLine() throws {
    let bad = try #require(throws: DatasetError.self) {
      try YOWOGroundTruth(files: [("v_00001.txt", Array("1 2 3 4 5\n1 2 x 4 5\n".utf8))], directory: "gt")
    }
    #expect(
      "\(bad)" == "gt/v_00001.txt:2: expected \"cls x1 y1 x2 y2\" with cls in 1...∞, found \"1 2 x 4 5\"")
    let range = try #require(throws: DatasetError.self) {
      try YOWOGroundTruth(
        files: [("v_00001.txt", Array("22 2 3 4 5".utf8))], directory: "gt", labels: Dataset.jhmdb.classNames)
    }
    #expect("\(range)".hasPrefix("gt/v_00001.txt:1: expected \"cls x1 y1 x2 y2\" with cls in 1...21"))
    let name = try #require(throws: DatasetError.self) {
      try YOWOGroundTruth(files: [("noframe.txt", [])], directory: "gt")
    }
    #expect(
      "\(name)"
        == "gt/noframe.txt: file name: expected <video>_<frame>.txt with a frame ≥ 1, found noframe.txt")
    #expect(throws: DatasetError.self) { try YOWOGroundTruth(directory: "/nonexistent-yowo") }
  }
}
