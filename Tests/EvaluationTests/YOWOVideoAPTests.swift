import Datasets
import Foundation
import Primitives
import Testing

@testable import Evaluation

/// YOWO's tube linking and video-AP against its unmodified `evaluate_videoAP`
/// (`tools/make_yowo_videomap_fixtures.py`), and hand-computed cases.
struct YOWOVideoAPTests {
  /// The fixture: its ground truth, video list (not sorted), detections (every box scored for every
  /// label, one row per box and label, frame by frame) and the whole JSON.
  func fixture() throws -> (GroundTruth, [String], [FrameDetection], [String: Any]) {
    let json = try Self.cast(FixtureFiles.json("yowo_videomap_expected.json"), [String: Any].self)
    let labels = try Self.cast(json["labels"], [String].self)
    let videoEntries = try Self.cast(json["videos"], [[String: Any]].self)
    var videos: [String] = []
    var annotations: [String: VideoAnnotation] = [:]
    for entry in videoEntries {
      let id = try Self.cast(entry["id"], String.self)
      var tubes: [GroundTruthTube] = []
      for t in try Self.cast(entry["tubes"], [[String: Any]].self) {
        let first = try Self.cast(t["first"], Int.self)
        let boxes = try Self.cast(t["boxes"], [[Double]].self).map(Self.box)
        tubes.append(
          GroundTruthTube(
            label: try Self.cast(t["label"], Int.self), frames: Array(first..<(first + boxes.count)),
            boxes: boxes))
      }
      videos.append(id)
      annotations[id] = VideoAnnotation(
        frameCount: try Self.cast(entry["frames"], Int.self), height: 240, width: 320, tubes: tubes)
    }
    var detections: [FrameDetection] = []
    for row in try Self.cast(json["boxes"], [[Any]].self) {
      let video = videos[try Self.cast(row[0], Int.self)]
      let frame = try Self.cast(row[1], Int.self)
      let box = Self.box(try row[2...5].map { try Self.cast($0, Double.self) })
      for (label, score) in try Self.cast(row[6], [Double].self).enumerated() {
        detections.append(
          FrameDetection(video: video, frame: frame, label: labels[label], score: Float(score), box: box))
      }
    }
    let gt = GroundTruth(labels: labels, trainVideos: [[]], testVideos: [videos], videos: annotations)
    return (gt, videos, detections, json)
  }

  /// `value` as a `T`, or a thrown error naming the type.
  static func cast<T>(_ value: Any?, _ type: T.Type) throws -> T {
    guard let v = value as? T else {
      throw FixtureData.BadFixture(description: "not a \(T.self): \(String(describing: value))")
    }
    return v
  }

  static func box(_ v: [Double]) -> Box {
    Box(x1: Float(v[0]), y1: Float(v[1]), x2: Float(v[2]), y2: Float(v[3]))
  }

  /// Every value in the fixture is a multiple of 1/32 or 1/16, so it parses exactly; the expected
  /// APs are compared through their float64 bits: bit-exact, no tolerance.
  @Test func linkingAndVideoAPMatchYOWO() throws {
    let (gt, videos, detections, json) = try fixture()
    let tubes = TubeLinking.yowo.tubes(linking: detections, videos: videos, groundTruth: gt)

    let boxRows = try Self.cast(json["boxes"], [[Any]].self)
    let linked = try Self.cast(json["linked"], [[String: Any]].self)
    #expect(linked.count == gt.labels.count * videos.count)
    for entry in linked {
      let label = try Self.cast(entry["label"], Int.self)
      let video = try Self.cast(entry["video"], String.self)
      let expected = try Self.cast(entry["tubes"], [[String: Any]].self)
      let mine = (tubes[video] ?? []).filter { $0.label == label }
      #expect(mine.count == expected.count, "\(video) label \(label)")
      for (tube, reference) in zip(mine, expected) {
        let bits = try #require(UInt32(try Self.cast(reference["scoreBits"], String.self), radix: 16))
        #expect(tube.score.bitPattern == bits, "\(video) label \(label)")
        let rows = try Self.cast(reference["boxes"], [Int].self)
        #expect(tube.firstFrame == 1 && tube.boxes.count == rows.count)
        let boxes = try rows.map { Self.box(try boxRows[$0][2...5].map { try Self.cast($0, Double.self) }) }
        #expect(tube.boxes == boxes, "\(video) label \(label)")
      }
    }

    let evaluator = try YOWOVideoAPEvaluator(groundTruth: gt, videos: videos, tubes: tubes)
    #expect(
      YOWOVideoAPEvaluator.crossedVideos(in: videos).map(\.detections) == ["catch/twin-b", "catch/twin"])
    let thresholds = try Self.cast(json["thresholds"], [[String: Any]].self)
    // The reference's thresholds, computed as it computes them (JSON text may round differently).
    let values = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75] + (0..<10).map { 0.5 + 0.05 * Double($0) }
    #expect(values.count == thresholds.count)
    for (threshold, entry) in zip(values, thresholds) {
      #expect(abs(threshold - (try Self.cast(entry["iou"], Double.self))) < 1e-12)
      let aps = evaluator.averagePrecisions(threshold: threshold)
      let expected = try Self.cast(entry["apBits"], [String].self).map { UInt64($0, radix: 16) }
      #expect(aps.map(\.bitPattern) == expected, "APs at \(threshold)")
      let mAP = try Self.cast(entry["mAP"], Double.self)
      #expect(abs(evaluator.evaluate(threshold: threshold).mAP - 100 * mAP) < 1e-9, "mAP at \(threshold)")
    }
  }

  /// float32 values from their bits.
  static func floats(_ value: Any?) throws -> [Float] {
    try cast(value, [String].self).map { hex in
      guard let bits = UInt32(hex, radix: 16) else { throw FixtureData.BadFixture(description: hex) }
      return Float(bitPattern: bits)
    }
  }

  /// Rows of 5 floats: (x1, y1, x2, y2, score) candidates, or (frame, x1, y1, x2, y2) as a tube.
  static func rows(_ values: [Float]) -> [[Float]] {
    stride(from: 0, to: values.count, by: 5).map { Array(values[$0..<($0 + 5)]) }
  }

  /// Edge scores and both kinds of `iou3dt` on full-mantissa float32 values, bit-exact.
  @Test func edgeScoresAndTubeIoUsMatchYOWO() throws {
    let json = try Self.cast(FixtureFiles.json("yowo_videomap_expected.json"), [String: Any].self)
    let primitives = try Self.cast(json["primitives"], [String: Any].self)
    for entry in try Self.cast(primitives["edges"], [[String: Any]].self) {
      let candidates = try ["a", "b"].map { key in
        Self.rows(try Self.floats(entry[key])).map {
          YOWOTubeLinker.Candidate(box: Box(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]), score: $0[4])
        }
      }
      let scores = YOWOTubeLinker.edgeScores(candidates[0], candidates[1])
      #expect(scores.map(\.bitPattern) == (try Self.floats(entry["scores"])).map(\.bitPattern))
    }
    for entry in try Self.cast(primitives["tubes"], [[String: Any]].self) {
      let (a, b) = try (Self.tube(entry["a"]), Self.tube(entry["b"]))
      let detections = try #require(UInt64(try Self.cast(entry["detections"], String.self), radix: 16))
      let truth = try #require(UInt64(try Self.cast(entry["groundTruth"], String.self), radix: 16))
      #expect(a.yowoSpatioTemporalIoU(with: b).bitPattern == detections)
      #expect(a.yowoSpatioTemporalIoU(detection: b).bitPattern == truth)
    }
  }

  /// A gap-free tube from (frame, x1, y1, x2, y2) rows stored as float32 bits.
  static func tube(_ value: Any?) throws -> Tube {
    let rows = Self.rows(try floats(value))
    return Tube(
      label: 0, score: 1, firstFrame: Int(rows[0][0]),
      boxes: rows.map { Box(x1: $0[1], y1: $0[2], x2: $0[3], y2: $0[4]) })
  }

  @Test func tubesSharingOneFrameHaveZeroIoU() {
    let box = Box(x1: 10, y1: 10, x2: 49, y2: 49)
    let a = Tube(label: 0, score: 1, firstFrame: 1, boxes: Array(repeating: box, count: 5))
    let b = Tube(label: 0, score: 1, firstFrame: 5, boxes: Array(repeating: box, count: 5))
    let c = Tube(label: 0, score: 1, firstFrame: 4, boxes: Array(repeating: box, count: 5))
    #expect(a.yowoSpatioTemporalIoU(with: b) == 0)
    #expect(a.yowoSpatioTemporalIoU(detection: b) == 0)
    // Two shared frames of identical boxes out of 8: 1 * 2 / 8.
    #expect(a.yowoSpatioTemporalIoU(detection: c) == 0.25)
    #expect(a.spatioTemporalIoU(with: b) > 0)  // ACT counts the one shared frame
  }

  @Test func perfectTubesStayBelow100() throws {
    // Two ground-truth tubes found exactly: recall 2 / (2 + 0.00001) in float32, AP = that recall.
    let box = Box(x1: 10, y1: 10, x2: 49, y2: 49)
    let other = Box(x1: 100, y1: 10, x2: 139, y2: 49)
    let gtTubes = [box, other].map {
      GroundTruthTube(label: 0, frames: Array(1...10), boxes: Array(repeating: $0, count: 10))
    }
    let gt = GroundTruth(
      labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
      videos: ["v": VideoAnnotation(frameCount: 10, height: 240, width: 320, tubes: gtTubes)])
    let tubes = gtTubes.compactMap { Tube(groundTruth: $0) }
    let evaluator = try YOWOVideoAPEvaluator(groundTruth: gt, videos: ["v"], tubes: ["v": tubes])
    #expect(evaluator.averagePrecisions(threshold: 0.5) == [Double(Float(2 / 2.00001))])
  }
}
