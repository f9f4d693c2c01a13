import Datasets
import Foundation
import Primitives
import Testing

@testable import Commands

/// `eval-videomap --protocol` end to end on the shipped JHMDB annotations and the video-mAP fixture.
@Suite struct EvalVideoMAPCommandTests {
  static func arguments(_ extra: [String]) -> [String] {
    [
      "jhmdb", "split1", "--annotations", EvalFrameMAPCommandTests.annotations,
      "--detections",
      EvalFrameMAPCommandTests.fixtures.appendingPathComponent("videomap_jhmdb_dets.csv").path,
      "--videos", EvalFrameMAPCommandTests.fixtures.appendingPathComponent("jhmdb_subset_videos.txt").path,
    ] + extra
  }

  /// `--protocol yowo` links with YOWO's linking by default and gives what YOWO's own
  /// `evaluate_videoAP` gives on this input (82.221811 at 0.2, 59.190180 over 0.5:0.95; numbers
  /// from running it, see eval/PROTOCOLS.md), to the 1e-6 the numbers are quoted to.
  @Test func yowoProtocolUsesYOWOLinking() throws {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("eval-videomap-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: json) }
    var text = ""
    try EvalVideoMAP.parse(Self.arguments(["--protocol", "yowo", "--json", json.path])).run { text += $0 }
    #expect(text.contains("\nprotocol: yowo — ") && text.contains("\nlinking: yowo — "))
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    #expect(object?["videoAPProtocol"] as? String == "yowo" && object?["linking"] as? String == "yowo")
    let results = try #require(object?["results"] as? [[String: Any]])
    #expect(abs((try #require(results.first?["mAP"] as? Double)) - 82.221811) < 1e-6)
    #expect(abs((try #require(object?["mAP050to095"] as? Double)) - 59.190180) < 1e-6)

    var mixed = ""
    try EvalVideoMAP.parse(Self.arguments(["--protocol", "yowo", "--linking", "act"])).run { mixed += $0 }
    #expect(mixed.contains("\nlinking: act — ") && mixed != text)
  }

  /// `--protocol road` on the JHMDB subset gives ROAD's own mAPs (78.571429 at 0.2, 45.753968
  /// over 0.5:0.95; `road_jhmdb_expected.json`, from running ROAD's MATLAB in Octave).
  @Test func roadProtocolOnTheJHMDBSubset() throws {
    let expected = try #require(
      JSONSerialization.jsonObject(
        with: Data(
          contentsOf: EvalFrameMAPCommandTests.fixtures.appendingPathComponent("road_jhmdb_expected.json")))
        as? [String: Any])
    let runs = try #require(expected["runs"] as? [[String: Any]])
    #expect(runs[1]["alpha"] as? Int == 5)
    let maps = try #require(runs[1]["mAP"] as? [String]).map { Double(bitPattern: UInt64($0, radix: 16)!) }
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("eval-videomap-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: json) }
    var text = ""
    try EvalVideoMAP.parse(Self.arguments(["--protocol", "road", "--json", json.path])).run { text += $0 }
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    let results = try #require(object?["results"] as? [[String: Any]])
    #expect(results.count == maps.count)
    for (result, mAP) in zip(results, maps) {
      #expect(abs((try #require(result["mAP"] as? Double)) - 100 * mAP) < 1e-9)
    }
    #expect(abs((try #require(object?["mAP050to095"] as? Double)) - 45.753968) < 1e-6)
    #expect(abs(100 * maps[0] - 78.571429) < 1e-6)
  }

  /// `--protocol road` links with ROAD's linking by default and gives the mAPs ROAD's own MATLAB
  /// code gives (alpha 5, run in Octave) on the ROAD fixture, whose ground truth is written here as
  /// an ACT-format pickle for `--gt`.
  @Test func roadProtocolUsesROADLinking() throws {
    let fixtures = EvalFrameMAPCommandTests.fixtures
    let expected = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: fixtures.appendingPathComponent("road_ucf_expected.json")))
        as? [String: Any])
    var videos: [String] = []
    var annotations: [String: VideoAnnotation] = [:]
    for entry in try #require(expected["videos"] as? [[String: Any]]) {
      let id = try #require(entry["id"] as? String)
      var tubes: [GroundTruthTube] = []
      for t in try #require(entry["tubes"] as? [[String: Any]]) {
        let first = try #require(t["first"] as? Int)
        let boxes = try #require(t["boxes"] as? [[Double]]).map {
          Box(x1: Float($0[0]), y1: Float($0[1]), x2: Float($0[2]), y2: Float($0[3]))
        }
        tubes.append(
          GroundTruthTube(
            label: try #require(t["label"] as? Int), frames: Array(first..<(first + boxes.count)),
            boxes: boxes))
      }
      videos.append(id)
      annotations[id] = VideoAnnotation(
        frameCount: try #require(entry["frames"] as? Int), height: 240, width: 320, tubes: tubes)
    }
    let labels = try #require(expected["labels"] as? [String])
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-videomap-road-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let pickle = folder.appendingPathComponent("road-gt.pkl").path
    try GroundTruth(labels: labels, trainVideos: [[]], testVideos: [videos], videos: annotations)
      .writeACTPickle(to: pickle)
    let json = folder.appendingPathComponent("report.json").path
    var text = ""
    try EvalVideoMAP.parse([
      "ucf24", "split1", "--gt", pickle, "--detections",
      fixtures.appendingPathComponent("road_ucf_dets.csv").path,
      "--protocol", "road", "--json", json,
    ]).run { text += $0 }
    #expect(text.contains("\nprotocol: road — ") && text.contains("\nlinking: road — "))
    let object =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
    #expect(object?["videoAPProtocol"] as? String == "road" && object?["linking"] as? String == "road")
    let results = try #require(object?["results"] as? [[String: Any]])
    let runs = try #require(expected["runs"] as? [[String: Any]])
    #expect(runs[1]["alpha"] as? Int == 5)
    let maps = try #require(runs[1]["mAP"] as? [String]).map { Double(bitPattern: UInt64($0, radix: 16)!) }
    #expect(results.count == maps.count)
    for (result, mAP) in zip(results, maps) {
      #expect(abs((try #require(result["mAP"] as? Double)) - 100 * mAP) < 1e-9)
    }
  }
}
