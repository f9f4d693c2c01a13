import Commands
import Datasets
import Detection
import Foundation
import Media
import Networks
import Primitives
import Rendering
import Testing

/// End to end: `detect` on a real clip with a seeded checkpoint (small input for speed).
@Suite struct DetectCommandTests {
  static let clip = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../shared/data/videos/ucf24_v_Basketball_g01_c02.mp4").standardized.path

  /// The bundled demo clip (`eval/demo`), on which the shipped model detects.
  static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../eval/demo/synthetic-demo.mp4").standardized.path

  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "detect-test-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// The clip is 340×256 (UCF-101-24 as shipped by YOWOv2).
  @Test func seededCheckpointOnRealClip() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var configuration = DetectorParityTests.configuration(tail: .perROI, temporal: .keep, scoring: .softmax)
    configuration.classes = ["Basketball", "Biking", "Diving"]
    configuration.postProcessing.scoreThreshold = 0.05
    let checkpoint = dir + "/seeded.safetensors"
    try DetectorCheckpoint.writeSeeded(configuration, seed: 7, to: checkpoint)
    var job = DetectRun(video: Self.clip, outputDirectory: dir + "/out")
    job.weights = checkpoint
    job.maxFrames = 12
    job.every = 4
    job.showProgress = false
    let summary = try job.run()
    #expect(summary.frames == 12 && summary.keyframes == 3)
    #expect(summary.line.contains("seeded: 7") && summary.line.contains("NOT real detections"))
    for f in 1...12 {
      let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/" + String(format: "%05d.png", f)))
      #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
      // Seeded weights: every frame carries the "UNTRAINED WEIGHTS" banner, a black strip at the bottom.
      let image = try RGBImage(pngAt: dir + "/out/" + String(format: "%05d.png", f))
      #expect(image[339, 255] == (0, 0, 0) && image[170, 254] == (0, 0, 0))
    }
    // The PNGs decode (FFmpeg's PNG decoder, through VideoReader's frame-folder mode) at source size.
    let written = try VideoReader(path: dir + "/out")
    var count = 0
    while let image = try written.nextFrame() {
      #expect(image.width == 340 && image.height == 256)
      count += 1
    }
    #expect(count == 12)
    let csv = try String(contentsOfFile: dir + "/out/detections.csv", encoding: .utf8)
    #expect(csv.hasPrefix("video,frame,label,score,x1,y1,x2,y2\n"))
    let rows = try DetectionsFile.read(path: dir + "/out/detections.csv")
    #expect(rows.count == summary.detections && !rows.isEmpty)
    for row in rows {
      #expect(row.video == "ucf24_v_Basketball_g01_c02")
      #expect([1, 5, 9].contains(row.frame))
      #expect(configuration.classes.contains(row.label))
      #expect(row.score >= 0.05 && row.score <= 1)
      #expect(0 <= row.box.x1 && row.box.x1 <= row.box.x2 && row.box.x2 <= 340)
      #expect(0 <= row.box.y1 && row.box.y1 <= row.box.y2 && row.box.y2 <= 256)
    }
    let note = try String(contentsOfFile: dir + "/out/weights.txt", encoding: .utf8)
    #expect(note.contains("NOT real detections"))
  }

  /// One and two threads write the same bits: every kernel sums in an order that depends on the
  /// output position only, not on how the work is split (the shipped model's temporal 3×1×1s, 8
  /// channels wide, split their columns between threads).
  @Test func threadCountDoesNotChangeTheDetections() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var files: [String] = []
    for threads in [1, 2] {
      var job = DetectRun(video: Self.demo, outputDirectory: dir + "/out\(threads)")
      job.maxFrames = 40
      job.every = 10
      job.threads = threads
      job.showProgress = false
      _ = try job.run()
      files.append(try String(contentsOfFile: dir + "/out\(threads)/detections.csv", encoding: .utf8))
    }
    #expect(files[0].split(separator: "\n").count > 1)
    #expect(files[0] == files[1])
  }

  @Test func missingWeightsSaysWhatToDo() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var job = DetectRun(video: Self.clip, outputDirectory: dir + "/out")
    job.showProgress = false
    job.defaultModel = nil  // a build without the shipped model
    #expect {
      _ = try job.run()
    } throws: { error in
      let text = "\(error)"
      return text.contains("--weights FILE") && text.contains("--random-init")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
  }

  @Test func missingDefaultFlowStreamSaysWhatToDo() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var configuration = DetectorParityTests.configuration(tail: .perROI, temporal: .keep, scoring: .softmax)
    configuration.classes = ["Basketball", "Biking"]
    let checkpoint = dir + "/seeded.safetensors"
    try DetectorCheckpoint.writeSeeded(configuration, seed: 7, to: checkpoint)
    var job = DetectRun(video: Self.clip, outputDirectory: dir + "/out")
    job.weights = checkpoint
    job.flowWeights = DefaultDetector.flowKeyword
    job.defaultFlowModel = nil  // a build without the shipped flow stream
    job.showProgress = false
    #expect(job.flowDescription == "the default flow stream (missing)")
    #expect {
      _ = try job.run()
    } throws: { error in
      "\(error)".contains("--flow default") && "\(error)".contains("--flow FILE")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
  }

  @Test func maxFramesMustBePositive() throws {
    #expect {
      _ = try Detect.parse(["clip.mp4", "--out", "out", "--random-init", "--max-frames", "0"])
    } throws: {
      Detect.message(for: $0).contains("--max-frames must be at least 1, got 0")
    }
    #expect(throws: Never.self) { _ = try Detect.parse(["clip.mp4", "--out", "out", "--max-frames", "1"]) }
  }

  @Test func backboneFileIsNotADetectorCheckpoint() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var writer = SafeTensorsWriter()
    writer.add("conv1.weight", shape: [2], values: [1, 2])
    try writer.write(to: dir + "/backbone.safetensors")
    #expect {
      _ = try DetectorCheckpoint.open(path: dir + "/backbone.safetensors")
    } throws: { error in
      "\(error)".contains("backbone.safetensors") && "\(error)".contains("'detector' metadata")
    }
  }
}

/// The split mode of `eval-framemap`: per-video cache and resume.
@Suite struct SplitDetectionTests {
  @Test func cachesEachVideoAndResumes() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let frames = URL(fileURLWithPath: DetectCommandTests.clip).deletingLastPathComponent()
      .appendingPathComponent("jpeg_frames").path
    try FileManager.default.createDirectory(atPath: dir + "/Frames/classA", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: dir + "/Frames/classA/vid1", withDestinationPath: frames)
    var configuration = DetectorParityTests.configuration(tail: .shared, temporal: .keep, scoring: .softmax)
    configuration.postProcessing.scoreThreshold = 0.05
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 3)
    let detector = try ActionDetector(weights: &weights, configuration: configuration)
    var run = SplitDetection(framesRoot: dir + "/Frames", cacheDirectory: dir + "/cache")
    run.every = 5
    run.showProgress = false
    // The ground truth says 12 frames; the folder has 10: one warning naming the video and frames.
    run.expectedFrames = ["classA/vid1": 12]
    let warnings = Lines()
    run.warn = { warnings.append($0) }
    let first = try run.detections(videos: ["classA/vid1"], detector: detector)
    #expect(
      warnings.lines.count == 1 && warnings.lines[0].contains("classA/vid1: 10 frames")
        && warnings.lines[0].contains("frames 11...12"))
    #expect(!first.isEmpty)
    #expect(Set(first.map(\.frame)) == [1, 6])
    #expect(first.allSatisfy { $0.video == "classA/vid1" && configuration.classes.contains($0.label) })
    #expect(FileManager.default.fileExists(atPath: run.cacheFile("classA/vid1")))
    // Cache names are one-to-one (JHMDB ids contain "__" themselves).
    let names = ["a/b", "a__b", "a%2Fb", "a%b"].map(SplitDetection.cacheName)
    #expect(Set(names).count == 4 && names.allSatisfy { !$0.contains("/") })
    // Resume: with the frames gone, the cached video is read back, not recomputed.
    try FileManager.default.removeItem(atPath: dir + "/Frames/classA/vid1")
    let second = try run.detections(videos: ["classA/vid1"], detector: detector)
    #expect(second.count == first.count)
    #expect(
      zip(first, second).allSatisfy {
        $0.frame == $1.frame && $0.label == $1.label && abs($0.score - $1.score) < 1e-5
      })
    // A video that is neither cached nor present fails with its path in the message.
    #expect {
      _ = try run.detections(videos: ["classA/missing"], detector: detector)
    } throws: { "\($0)".contains("classA/missing") }
  }
}

/// Lines collected from a callback.
final class Lines: @unchecked Sendable {
  /// The lines, in order.
  private(set) var lines: [String] = []
  /// Adds one line.
  func append(_ line: String) { lines.append(line) }
}
