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
    let command = try EvalFrameMAP.parse(Self.arguments(["--json", json.path]))
    try command.run()
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    let mAP = try #require(object?["mAP"] as? Double)
    #expect(abs(mAP - 63.269077) < 1e-5)
    #expect(object?["frameProtocol"] as? String == "act")
    #expect((object?["classes"] as? [Any])?.count == 21)
  }

  /// `--plots` writes one PNG per label and a summary per split (sizes read from the IHDR chunk).
  @Test func writesPlots() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-plots-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let command = try EvalFrameMAP.parse(Self.arguments(["--plots", folder.path]))
    try command.run()
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names.count == 22)
    #expect(names.first == "split1_01_brush_hair.png" && names.last == "split1_summary.png")
    func size(_ name: String) throws -> (Int, Int) {
      let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
      #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
      func be32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
      return (be32(16), be32(20))
    }
    #expect(try size("split1_01_brush_hair.png") == (640, 480))
    #expect(try size("split1_summary.png") == (1000, 900))
  }

  @Test func allSplitsReportsTheMeanOfThreeSplits() throws {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("eval-framemap-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: json) }
    let command = try EvalFrameMAP.parse([
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
    (["jhmdb", "split1"], "--detector FILE --frames-root DIR"),
    (["jhmdb", "split1", "--detector", "d.safetensors"], "--frames-root DIR"),
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
      // A usage error (status 64, printed with the usage lines), as every command's argument checks.
      #expect(EvalFrameMAP.exitCode(for: error) == .validationFailure, "\(error)")
    }
  }

  /// `--gt` with a folder of YOWO text files (the Datasets fixture: 67 frames of two videos):
  /// detections equal to those boxes score 100 under `yowo`, whose mean covers the labels with GT.
  @Test func readsYOWOTextGroundTruth() throws {
    let folder = Self.repository.appendingPathComponent("Tests/DatasetsTests/Fixtures/yowo_jhmdb")
    let labels = ["brush_hair", "catch", "clap"]
    var csv = "video,frame,label,score,x1,y1,x2,y2\n"
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
      let stem = String(name.dropLast(4))
      let underscore = try #require(stem.lastIndex(of: "_"))
      let frame = try #require(Int(stem[stem.index(after: underscore)...]))
      let flat = String(stem[..<underscore])
      let label = try #require(labels.first { flat.hasPrefix($0 + "_") })
      let video = label + "/" + flat.dropFirst(label.count + 1)
      let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      for line in text.split(separator: "\n") {
        let f = line.split(separator: " ")
        csv += "\(video),\(frame),\(label),0.9,\(f[1]),\(f[2]),\(f[3]),\(f[4])\n"
      }
    }
    let dets = FileManager.default.temporaryDirectory.appendingPathComponent("yowo-\(UUID()).csv")
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("yowo-\(UUID()).json")
    defer {
      try? FileManager.default.removeItem(at: dets)
      try? FileManager.default.removeItem(at: json)
    }
    try Data(csv.utf8).write(to: dets)
    let command = try EvalFrameMAP.parse([
      "jhmdb", "split1", "--annotations", Self.annotations, "--gt", folder.path, "--protocol", "yowo",
      "--detections", dets.path, "--json", json.path,
    ])
    try command.run()
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    #expect(abs((object?["mAP"] as? Double ?? 0) - 100) < 1e-9)
    let classes = try #require(object?["classes"] as? [[String: Any]])
    #expect(classes.reduce(0) { $0 + ($1["groundTruthBoxes"] as? Int ?? 0) } == 67)
    #expect(classes.filter { $0["ap"] != nil }.count == 2)
  }

  @Test func reportsUnreadableInputsInOneLine() throws {
    let missing = try EvalFrameMAP.parse(
      ["jhmdb", "split1", "--annotations", Self.annotations, "--detections", "/nonexistent/dets.csv"])
    do {
      let command = missing
      try command.run()
      Issue.record("accepted a missing file")
    } catch {
      let text = EvalFrameMAP.message(for: error)
      #expect(text == "/nonexistent/dets.csv: open failed: no such file")
    }
    let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).csv")
    defer { try? FileManager.default.removeItem(at: bad) }
    try Data("video,frame,label,score,x1,y1,x2,y2\nv,1,a,0.5,1,2,3\n".utf8).write(to: bad)
    let command = try EvalFrameMAP.parse([
      "jhmdb", "split1", "--annotations", Self.annotations, "--detections", bad.path,
    ])
    do {
      try command.run()
      Issue.record("accepted a short row")
    } catch {
      let text = EvalFrameMAP.message(for: error)
      #expect(text.contains(bad.path) && text.contains("expected 8 fields"), "\(text)")
      #expect(!text.contains("\n"))
    }
  }
}
