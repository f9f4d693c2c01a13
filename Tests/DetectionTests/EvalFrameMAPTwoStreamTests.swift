import Commands
import Datasets
import Detection
import Flow
import Foundation
import Testing

/// `eval-framemap jhmdb split1 --detector RGB --flow-detector FLOW`: the two-stream detector scored on
/// a split, with tiny seeded checkpoints (JHMDB classes, 64×80 input) on one 15-frame JHMDB test video
/// (frames of the bundled clip) and stored flow made from a seeded field (no TV-L1 in the test).
@Suite struct EvalFrameMAPTwoStreamTests {
  /// The test video.
  static let video = EvalFrameMAPDetectorTests.videos[0]

  /// A folder with `Frames/<video id>/00001.png …`, `flow/<video id>/x_00001.jpg …`, `videos.txt`
  /// and the checkpoints `rgb.safetensors` (seed 5), `flow.safetensors` (seed 6) and
  /// `flow-other.safetensors` (a flow detector with two classes only).
  static func fixture() throws -> String {
    let dir = try DetectCommandTests.temporaryDirectory()
    let frames = try EvalFrameMAPDetectorTests.clipFrames(count: video.frames)
    let folder = dir + "/Frames/" + video.id
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (f, frame) in frames.enumerated() {
      try frame.writePNG(to: folder + String(format: "/%05d.png", f + 1))
    }
    let flowFolder = dir + "/flow/" + video.id
    try FileManager.default.createDirectory(atPath: flowFolder, withIntermediateDirectories: true)
    let writer = try FlowImageWriter(folder: flowFolder, width: 320, height: 240)
    let count = 320 * 240
    for pair in 1..<video.frames {
      let dx = (0..<count).map { Float(($0 * 7 + pair * 13) % 41) / 2 - 10 }
      let dy = (0..<count).map { Float(($0 / 320 + pair * 5) % 31) / 2 - 7.5 }
      try writer.write(try #require(FlowField(width: 320, height: 240, dx: dx, dy: dy)), pair: pair)
    }
    try Data((video.id + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/videos.txt"))
    var rgb = FlowStreamTests.tiny()
    rgb.classes = Dataset.jhmdb.classNames
    var flow = FlowStreamTests.tiny(.flow)
    flow.classes = Dataset.jhmdb.classNames
    try DetectorCheckpoint.writeSeeded(rgb, seed: 5, to: dir + "/rgb.safetensors")
    try DetectorCheckpoint.writeSeeded(flow, seed: 6, to: dir + "/flow.safetensors")
    flow.classes = Array(Dataset.jhmdb.classNames.prefix(2))
    try DetectorCheckpoint.writeSeeded(flow, seed: 6, to: dir + "/flow-other.safetensors")
    return dir
  }

  /// The arguments of a run on `dir`'s video into `cache`, keyframes every 10 frames.
  static func arguments(_ dir: String, cache: String, _ extra: [String]) -> [String] {
    [
      "jhmdb", "split1", "--annotations", EvalFrameMAPDetectorTests.annotations, "--videos",
      dir + "/videos.txt",
      "--detector", dir + "/rgb.safetensors", "--frames-root", dir + "/Frames", "--cache", dir + "/" + cache,
      "--detector-every", "10",
    ] + extra
  }

  @Test func fusedRunDetectsAsDetectDoesAndKeepsItsOwnCache() throws {
    let dir = try Self.fixture()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let fused = ["--flow-detector", dir + "/flow.safetensors", "--flow-root", dir + "/flow"]
    let printed = try EvalFrameMAPDetectorTests.run(Self.arguments(dir, cache: "fused", fused))
    #expect(printed.contains("mAP"))
    let cached = try DetectionsFile.read(path: "\(dir)/fused/\(SplitDetection.cacheName(Self.video.id)).csv")
    #expect(!cached.isEmpty && Set(cached.map(\.frame)) == [1, 11])

    // `detect FRAMES --weights RGB --flow FLOW --flow-root FLOWDIR --every 10` on the same video.
    var job = DetectRun(video: dir + "/Frames/" + Self.video.id, outputDirectory: dir + "/detect")
    job.weights = dir + "/rgb.safetensors"
    job.flowWeights = dir + "/flow.safetensors"
    job.flowRoot = dir + "/flow/" + Self.video.id
    job.every = 10
    job.showProgress = false
    _ = try job.run()
    let detected = try DetectionsFile.read(path: dir + "/detect/detections.csv")
    // Same code path, same numbers; the tolerance only covers the CSV's decimal rounding.
    #expect(detected.count == cached.count)
    for (a, b) in zip(detected, cached) {
      #expect(a.frame == b.frame && a.label == b.label && abs(a.score - b.score) <= 1e-6)
      #expect(
        abs(a.box.x1 - b.box.x1) <= 1e-3 && abs(a.box.y1 - b.box.y1) <= 1e-3
          && abs(a.box.x2 - b.box.x2) <= 1e-3
          && abs(a.box.y2 - b.box.y2) <= 1e-3)
    }

    // The run record names both checkpoints and the stored flow.
    let record = try String(contentsOfFile: dir + "/fused/detector-run.txt", encoding: .utf8)
    #expect(record.contains("checkpoint: \(dir)/rgb.safetensors\n"))
    #expect(
      record.contains("flow checkpoint: \(dir)/flow.safetensors\n") && record.contains("flow weights: seeded")
    )
    #expect(record.contains("flow: stored (--flow-root)"))

    // RGB-only on the fused cache, fused on an RGB-only cache, computed flow on a stored-flow cache:
    // all refused before any video is read.
    let refused = "the cache holds detections of another checkpoint"
    #expect { _ = try EvalFrameMAPDetectorTests.run(Self.arguments(dir, cache: "fused", [])) } throws: {
      "\($0)".contains(refused)
    }
    let rgbOnly = try EvalFrameMAPDetectorTests.run(Self.arguments(dir, cache: "rgb", []))
    #expect(rgbOnly != printed)
    #expect(!(try String(contentsOfFile: dir + "/rgb/detector-run.txt", encoding: .utf8)).contains("flow"))
    #expect { _ = try EvalFrameMAPDetectorTests.run(Self.arguments(dir, cache: "rgb", fused)) } throws: {
      "\($0)".contains(refused)
    }
    #expect {
      _ = try EvalFrameMAPDetectorTests.run(
        Self.arguments(dir, cache: "fused", ["--flow-detector", dir + "/flow.safetensors"]))
    } throws: { "\($0)".contains(refused) }
    // The same fused run again reads its cache (the frames and flow are not needed).
    try FileManager.default.removeItem(atPath: dir + "/flow")
    #expect(try EvalFrameMAPDetectorTests.run(Self.arguments(dir, cache: "fused", fused)) == printed)
  }

  @Test func errorsAreOneLine() throws {
    let dir = try Self.fixture()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let flow = dir + "/flow.safetensors"
    let cases: [([String], String)] = [
      (
        ["--flow-detector", dir + "/rgb.safetensors"],
        "--flow-detector needs a flow detector (context stream flow)"
      ),
      (["--flow-detector", dir + "/flow-other.safetensors"], "the two detectors' classes differ"),
      (
        ["--flow-detector", flow, "--flow-root", dir + "/nowhere"],
        "\(dir)/nowhere/\(Self.video.id): flow: no x_00001.jpg"
      ),
    ]
    for (n, (extra, message)) in cases.enumerated() {
      #expect {
        _ = try EvalFrameMAPDetectorTests.run(Self.arguments(dir, cache: "cache\(n)", extra))
      } throws: { error in
        let text = EvalFrameMAP.message(for: error)
        return text.contains(message) && !text.contains("\n")
      }
    }
    // A flow checkpoint as --detector.
    var arguments = Self.arguments(dir, cache: "flowalone", [])
    arguments[try #require(arguments.firstIndex(of: dir + "/rgb.safetensors"))] = flow
    #expect { _ = try EvalFrameMAPDetectorTests.run(arguments) } throws: {
      "\($0)".contains("--detector needs an RGB detector, this one's context stream is flow")
    }
    // Options checked before any file is read.
    for (extra, message) in [
      (["--flow-detector", flow], "--flow-detector FLOW needs --detector RGB"),
      (["--detections", "x.csv", "--flow-root", "F"], "--flow-root needs --flow-detector FILE"),
    ] {
      do {
        _ = try EvalFrameMAP.parse(["jhmdb", "split1"] + extra)
        Issue.record("accepted \(extra)")
      } catch {
        let text = EvalFrameMAP.message(for: error)
        #expect(text.contains(message) && !text.contains("\n"), "\(text)")
      }
    }
  }
}
