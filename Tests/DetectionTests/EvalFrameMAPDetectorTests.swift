import Commands
import Datasets
import Detection
import Foundation
import Media
import Primitives
import Rendering
import Testing

/// `eval-framemap jhmdb split1 --detector …` end to end through the command's arguments: a frames
/// root of two JHMDB test videos (frames of a bundled clip at 320×240), a seeded checkpoint with the
/// JHMDB labels, the per-video cache, resume from it, and recomputing one deleted cache file.
@Suite struct EvalFrameMAPDetectorTests {
  static let annotations = AssembleDetectorTests.repository.appendingPathComponent("annotations").path

  /// The two shortest split-1 test videos (of different classes; 15 frames each in JHMDB-GT.pkl).
  static let videos = [
    (id: "catch/LearnToShootFromTheMaster_catch_f_nm_np1_ba_med_1", frames: 15),
    (id: "kick_ball/Nike_Soccer_Commercial_-_Good_vs__Evil_kick_ball_f_cm_np1_fr_med_0", frames: 15),
  ]

  /// The first `count` frames of the bundled clip (340×256), cropped to JHMDB's 320×240.
  static func clipFrames(count: Int) throws -> [RGBImage] {
    let reader = try VideoReader(path: DetectCommandTests.clip)
    var frames: [RGBImage] = []
    while frames.count < count, let frame = try reader.nextFrame() {
      var pixels: [UInt8] = []
      pixels.reserveCapacity(320 * 240 * 3)
      for y in 0..<240 {
        let start = (y * frame.width + 10) * 3
        pixels += frame.pixels[start..<(start + 320 * 3)]
      }
      frames.append(try #require(RGBImage(width: 320, height: 240, pixels: pixels)))
    }
    #expect(frames.count == count, "the clip has fewer than \(count) frames")
    return frames
  }

  /// Frames of the two videos under `dir/Frames` (frames 1…15 of the clip for the first video,
  /// 8…22 for the second: <root>/<class>/<video>/00001.png …), their list `dir/videos.txt` and a
  /// seeded checkpoint `dir/detector.safetensors` with the JHMDB labels.
  static func makeSplit(in dir: String) throws {
    let frames = try Self.clipFrames(count: 22)
    for (n, video) in videos.enumerated() {
      let folder = dir + "/Frames/" + video.id
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for f in 0..<video.frames {
        try frames[7 * n + f].writePNG(to: folder + String(format: "/%05d.png", f + 1))
      }
    }
    try Data(videos.map { $0.id + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: dir + "/videos.txt"))

    var configuration = DetectorParityTests.configuration(tail: .shared, temporal: .keep, scoring: .softmax)
    configuration.classes = Dataset.jhmdb.classNames
    configuration.postProcessing.scoreThreshold = 0
    try DetectorCheckpoint.writeSeeded(configuration, seed: 5, to: dir + "/detector.safetensors")
  }

  /// `--detector-context perClip` runs the context trunk on each keyframe's own clip: the cached
  /// detections are those of `SplitDetection` in per-clip mode (not the shared mode's), and the cache
  /// records the mode, so a shared-context run refuses it.
  @Test func perClipContextReachesTheDetector() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.makeSplit(in: dir)
    let video = Self.videos[0].id
    let arguments = [
      "jhmdb", "split1", "--annotations", Self.annotations, "--videos", dir + "/videos.txt",
      "--detector", dir + "/detector.safetensors", "--frames-root", dir + "/Frames", "--cache",
      dir + "/cache",
      "--detector-every", "7",
    ]
    _ = try Self.run(arguments + ["--detector-context", "perClip"])
    let cached = try DetectionsFile.read(path: "\(dir)/cache/\(SplitDetection.cacheName(video)).csv")
    let record = try String(contentsOfFile: dir + "/cache/detector-run.txt", encoding: .utf8)
    #expect(record.hasSuffix("context: perClip\n"))

    let (detector, _) = try DetectorCheckpoint.load(path: dir + "/detector.safetensors")
    func direct(_ mode: ActionDetector.ContextMode) throws -> [FrameDetection] {
      var split = SplitDetection(
        framesRoot: dir + "/Frames", cacheDirectory: dir + "/direct-\(mode.rawValue)")
      split.every = 7
      split.contextMode = mode
      split.showProgress = false
      return try split.detections(videos: [video], detector: detector)
    }
    #expect(cached == (try direct(.perClip)))
    #expect(cached != (try direct(.shared)))
    #expect(throws: (any Error).self) { _ = try Self.run(arguments) }
  }

  /// Runs the command on `arguments`, returning what it printed.
  static func run(_ arguments: [String]) throws -> String {
    var printed = ""
    try EvalFrameMAP.parse(arguments).run { printed += $0 + "\n" }
    return printed
  }

  @Test func detectorRunCachesResumesAndRecomputesOneVideo() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let videos = Self.videos
    try Self.makeSplit(in: dir)
    func arguments(checkpoint: String = dir + "/detector.safetensors", json: String) -> [String] {
      [
        "jhmdb", "split1", "--annotations", Self.annotations, "--videos", dir + "/videos.txt",
        "--detector", checkpoint, "--frames-root", dir + "/Frames", "--cache", dir + "/cache",
        "--detector-every", "10", "--json", dir + "/" + json,
      ]
    }

    // First run: a mAP table over the two videos, one CSV per video in the cache.
    let first = try Self.run(arguments(json: "first.json"))
    #expect(
      first.contains("JHMDB-21 split1") && first.contains("detections detector (") && first.contains("mAP"))
    let cacheFiles = videos.map { "\(dir)/cache/\(SplitDetection.cacheName($0.id)).csv" }
    let listing = try FileManager.default.contentsOfDirectory(atPath: dir + "/cache").sorted()
    #expect(
      listing
        == (cacheFiles.map { URL(fileURLWithPath: $0).lastPathComponent } + ["detector-run.txt"]).sorted())
    for (video, file) in zip(videos, cacheFiles) {
      let rows = try DetectionsFile.read(path: file)
      // Keyframes every 10 frames, numbered from 1 like the PNGs; 6 detections per keyframe at most.
      let keyframes = Set(stride(from: 1, through: video.frames, by: 10))
      #expect(!rows.isEmpty && Set(rows.map(\.frame)) == keyframes, "\(video.id)")
      #expect(rows.count <= 6 * keyframes.count)
      #expect(rows.allSatisfy { $0.video == video.id && Dataset.jhmdb.classNames.contains($0.label) })
      #expect(rows.allSatisfy { 0 <= $0.box.x1 && $0.box.x2 <= 320 && 0 <= $0.box.y1 && $0.box.y2 <= 240 })
    }
    let firstJSON = try Data(contentsOf: URL(fileURLWithPath: dir + "/first.json"))

    // Second run with the frames gone: everything comes from the cache, same tables, same report.
    try FileManager.default.moveItem(atPath: dir + "/Frames", toPath: dir + "/Frames.away")
    #expect(try Self.run(arguments(json: "second.json")) == first)
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/second.json")) == firstJSON)

    // Delete the first video's cache file; with only that video's frames back, it alone is recomputed.
    let kept = try Data(contentsOf: URL(fileURLWithPath: cacheFiles[0]))
    try FileManager.default.removeItem(atPath: cacheFiles[0])
    let firstFolder = "/" + videos[0].id
    try FileManager.default.createDirectory(
      atPath: dir + "/Frames/" + videos[0].id.split(separator: "/")[0], withIntermediateDirectories: true)
    try FileManager.default.moveItem(
      atPath: dir + "/Frames.away" + firstFolder, toPath: dir + "/Frames" + firstFolder)
    #expect(try Self.run(arguments(json: "third.json")) == first)
    #expect(try Data(contentsOf: URL(fileURLWithPath: cacheFiles[0])) == kept)
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/third.json")) == firstJSON)

    // Another keyframe stride (or checkpoint) on the same cache is refused rather than served stale rows.
    #expect {
      _ = try Self.run(arguments(json: "other.json") + ["--detector-every", "5"])
    } throws: {
      "\($0)".contains(
        "\(dir)/cache: the cache holds detections of another checkpoint, --detector-every or --detector-score-threshold"
      )
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/other.json"))
  }
}

/// A checkpoint whose classes are none of the dataset's labels is refused before any video is read.
@Suite struct EvalFrameMAPDetectorClassTests {
  @Test func refusesACheckpointWithOtherClasses() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var configuration = DetectorParityTests.configuration(tail: .shared, temporal: .keep, scoring: .softmax)
    configuration.classes = ["Basketball", "Biking"]
    try DetectorCheckpoint.writeSeeded(configuration, seed: 5, to: dir + "/ucf.safetensors")
    #expect {
      try EvalFrameMAP.parse([
        "jhmdb", "split1", "--annotations", EvalFrameMAPDetectorTests.annotations, "--detector",
        dir + "/ucf.safetensors", "--frames-root", dir + "/Frames", "--cache", dir + "/cache",
      ]).run { _ in }
    } throws: {
      "\($0)".contains(
        "\(dir)/ucf.safetensors: none of the detector's 2 classes (Basketball, Biking…) is a label")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/cache"))
  }
}

/// Detector-mode options are checked before any file is read.
@Suite struct EvalFrameMAPDetectorOptionTests {
  @Test(arguments: [
    (
      ["--detector", "d.safetensors", "--frames-root", "F", "--detector-every", "0"],
      "--detector-every must be"
    ),
    (
      ["--detector", "d.safetensors", "--frames-root", "F", "--detector-threads", "0"],
      "--detector-threads must be"
    ),
    (["--detections", "x.csv", "--frames-root", "F"], "--frames-root and --cache need --detector FILE"),
    (["--detections", "x.csv", "--cache", "C"], "--frames-root and --cache need --detector FILE"),
    (
      ["--detector", "d.safetensors", "--frames-root", "F", "--detector-context", "clip"],
      "--detector-context must be 'shared' or 'perClip'"
    ),
    (["--detections", "x.csv", "--detector-context", "perClip"], "--detector-context needs --detector FILE"),
  ])
  func rejectsBadDetectorOptions(extra: [String], message: String) {
    do {
      _ = try EvalFrameMAP.parse(["jhmdb", "split1"] + extra)
      Issue.record("accepted \(extra)")
    } catch {
      let text = EvalFrameMAP.message(for: error)
      #expect(text.contains(message), "\(text)")
    }
  }
}
