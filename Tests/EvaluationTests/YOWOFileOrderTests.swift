import Datasets
import Foundation
import Primitives
import Testing

@testable import Evaluation

/// YOWO reads its per-frame files in name order, where `BasketballDunk_…` comes before
/// `Basketball_…`; equal scores across those folders keep that order. Fixture: a tiny UCF-shaped
/// split with tied scores crossing the two folders, detections in split order, scored by YOWO's
/// unmodified code (`tools/make_yowo_file_order_fixture.py`). Tolerance 1e-9 AP points.
@Suite struct YOWOFileOrderTests {
  static func fixture() throws -> (GroundTruth, [String], [FrameDetection], [String: Any]) {
    let root = try #require(try FixtureFiles.json("yowo_file_order.json") as? [String: Any])
    let labels = try #require(root["labels"] as? [String])
    let videos = try #require(root["videos"] as? [String])
    let frameCount = try #require(root["frameCount"] as? Int)
    let boxes = try #require(root["groundTruth"] as? [String: [[Double]]])
    var annotations: [String: VideoAnnotation] = [:]
    for (v, video) in videos.enumerated() {
      let rows = try #require(boxes[video])
      annotations[video] = VideoAnnotation(
        frameCount: frameCount, height: 240, width: 320,
        tubes: [
          GroundTruthTube(
            label: v, frames: rows.map { Int($0[0]) },
            boxes: rows.map { Box(x1: Float($0[1]), y1: Float($0[2]), x2: Float($0[3]), y2: Float($0[4])) })
        ])
    }
    let gt = GroundTruth(labels: labels, trainVideos: [[]], testVideos: [videos], videos: annotations)
    var detections: [FrameDetection] = []
    for row in try #require(root["detections"] as? [[String: Any]]) {
      let b = try #require(row["box"] as? [Double]).map(Float.init)
      for (c, score) in try #require(row["scores"] as? [Double]).enumerated() {
        detections.append(
          FrameDetection(
            video: try #require(row["video"] as? String), frame: try #require(row["frame"] as? Int),
            label: labels[c], score: Float(score), box: Box(x1: b[0], y1: b[1], x2: b[2], y2: b[3])))
      }
    }
    return (gt, videos, detections, try #require(root["yowo"] as? [String: Any]))
  }

  @Test(arguments: [TieRule.stable, .numpyLegacy])
  func tiesAcrossFoldersFollowYOWOsFileOrder(ties: TieRule) throws {
    let (gt, videos, detections, want) = try Self.fixture()
    let report = FrameMAPEvaluator(groundTruth: gt, videos: videos, detections: detections)
      .evaluate(protocol: .yowo, ties: ties)
    let mAP = try #require(want["mAP"] as? Double)
    #expect(abs(report.mAP - mAP) < 1e-9, "mAP \(report.mAP) vs YOWO \(mAP)")
    for (w, got) in zip(try #require(want["classes"] as? [[String: Any]]), report.classes) {
      #expect(w["label"] as? String == got.label)
      #expect(w["tp"] as? Int == got.truePositives && w["fp"] as? Int == got.falsePositives, "\(got.label)")
      #expect(abs(try #require(w["ap"] as? Double) - (got.ap ?? .nan)) < 1e-9, "\(got.label) AP")
    }
    // The ties matter here: other orders of the equal scores give other results.
    let interval = try #require(report.tieInterval)
    #expect(interval.lowestMAP < interval.highestMAP)
  }

  @Test func fileOrderIsPythonsSortOfYOWOsFileNames() {
    var warnings: [String] = []
    let box = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    let videos = ["Basketball/v_Basketball_g01_c01", "BasketballDunk/v_BasketballDunk_g01_c01"]
    var annotations: [String: VideoAnnotation] = [:]
    for (v, video) in videos.enumerated() {
      annotations[video] = VideoAnnotation(
        frameCount: 120, height: 240, width: 320,
        tubes: [GroundTruthTube(label: v, frames: [9, 10, 100], boxes: [box, box, box])])
    }
    let gt = GroundTruth(labels: ["a", "b"], trainVideos: [[]], testVideos: [videos], videos: annotations)
    let flat = FlatGroundTruth(groundTruth: gt, videos: videos, warnings: &warnings)
    // BasketballDunk_…_00009.txt, _00010, _00100, then Basketball_v_…_00009.txt, _00010, _00100.
    #expect(YOWOFileOrder.ranks(of: flat, videos: videos) == [3, 4, 5, 0, 1, 2])
  }
}
