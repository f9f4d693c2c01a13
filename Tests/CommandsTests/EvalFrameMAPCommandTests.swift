import Foundation
import Testing

@testable import Commands

/// `eval-framemap` end to end on the shipped JHMDB annotations and the evaluation fixtures.
@Suite struct EvalFrameMAPCommandTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = repository.appendingPathComponent("Tests/EvaluationTests/Fixtures")
  static let annotations = repository.appendingPathComponent("annotations").path

  static func arguments(_ extra: [String]) -> [String] {
    [
      "jhmdb", "split1", "--annotations", annotations,
      "--detections", fixtures.appendingPathComponent("jhmdb_perturbed_a.csv").path,
      "--videos", fixtures.appendingPathComponent("jhmdb_subset_videos.txt").path,
    ] + extra
  }

  /// The JSON report carries the same mAP as the Python reference (63.269077…, act, stable).
  @Test func writesJSONReport() throws {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("eval-framemap-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: json) }
    var command = try EvalFrameMAP.parse(Self.arguments(["--json", json.path]))
    try command.run()
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    let mAP = try #require(object?["mAP"] as? Double)
    #expect(abs(mAP - 63.269077) < 1e-5)
    #expect(object?["frameProtocol"] as? String == "act")
    #expect((object?["classes"] as? [Any])?.count == 21)
  }

  @Test func allSplitsReportsTheMeanOfThreeSplits() throws {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("eval-framemap-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: json) }
    var command = try EvalFrameMAP.parse([
      "jhmdb", "--all-splits", "--annotations", Self.annotations, "--protocol", "voc",
      "--detections", Self.fixtures.appendingPathComponent("jhmdb_perturbed_b.csv").path, "--json", json.path,
    ])
    try command.run()
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    let splits = try #require(object?["splits"] as? [[String: Any]])
    #expect(splits.count == 3)
    let mean = splits.compactMap { $0["mAP"] as? Double }.reduce(0, +) / 3
    #expect(abs((object?["meanMAP"] as? Double ?? -1) - mean) < 1e-9)
  }

  @Test(arguments: [
    (["jhmdb", "split4", "--detections", "x.csv"], "split1, split2, split3"),
    (["ucf24", "split2", "--detections", "x.csv"], "split1"),
    (["jhmdb", "split1"], "not available yet"),
    (["jhmdb", "split1", "--detections", "x.csv", "--iou", "0"], "--iou"),
    (["jhmdb", "--all-splits", "--detections", "a", "--detections", "b"], "one per split"),
  ])
  func rejectsBadArguments(arguments: [String], message: String) {
    do {
      _ = try EvalFrameMAP.parse(arguments)
      Issue.record("accepted \(arguments)")
    } catch {
      let text = EvalFrameMAP.message(for: error)
      #expect(text.contains(message), "\(text)")
      #expect(!text.contains("\n"))
    }
  }

  @Test func reportsUnreadableInputsInOneLine() throws {
    let missing = try EvalFrameMAP.parse(
      ["jhmdb", "split1", "--annotations", Self.annotations, "--detections", "/nonexistent/dets.csv"])
    #expect(throws: EvalFrameMAPError.self) {
      var c = missing; try c.run()
    }
    let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).csv")
    defer { try? FileManager.default.removeItem(at: bad) }
    try Data("video,frame,label,score,x1,y1,x2,y2\nv,1,a,0.5,1,2,3\n".utf8).write(to: bad)
    var command = try EvalFrameMAP.parse([
      "jhmdb", "split1", "--annotations", Self.annotations, "--detections", bad.path,
    ])
    do {
      try command.run()
      Issue.record("accepted a short row")
    } catch {
      #expect("\(error)" == "\(bad.path):2: expected 8 comma-separated fields, found 7")
    }
  }
}
