import Commands
import Datasets
import Detection
import Foundation
import Media
import Primitives
import Rendering
import Testing

/// `detect --tubes` end to end with a seeded checkpoint on the first frames of a real clip.
@Suite struct DetectTubesCommandTests {
  /// One row of tubes.csv.
  struct TubeRow {
    var video: String
    var tube: Int
    var label: String
    var score: Float
    var frame: Int
    var box: Box
  }

  static func tubeRows(_ path: String) throws -> [TubeRow] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "video,tube,label,score,frame,x1,y1,x2,y2")
    return try lines.dropFirst().map { line in
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      try #require(f.count == 9)
      let n = try f[3...].map { try #require(Float($0)) }
      return TubeRow(
        video: f[0], tube: try #require(Int(f[1])), label: f[2], score: n[0], frame: try #require(Int(f[4])),
        box: Box(x1: n[2], y1: n[3], x2: n[4], y2: n[5]))
    }
  }

  static func seededCheckpoint(in dir: String) throws -> String {
    var configuration = DetectorParityTests.configuration(tail: .shared, temporal: .keep, scoring: .softmax)
    configuration.classes = ["Basketball", "Biking", "Diving"]
    configuration.postProcessing.scoreThreshold = 0.05
    let checkpoint = dir + "/seeded.safetensors"
    try DetectorCheckpoint.writeSeeded(configuration, seed: 7, to: checkpoint)
    return checkpoint
  }

  /// 20 frames, keyframes every 4: tubes.csv agrees with detections.csv and every PNG is the source
  /// frame with the file's tubes drawn on it.
  @Test func tubesFileMatchesDetectionsAndFrames() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var job = DetectRun(video: DetectCommandTests.clip, outputDirectory: dir + "/out")
    job.weights = try Self.seededCheckpoint(in: dir)
    job.maxFrames = 20
    job.every = 4
    job.tubes = .act
    job.showProgress = false
    let summary = try job.run()
    #expect(summary.frames == 20 && summary.keyframes == 5)
    let detections = try DetectionsFile.read(path: dir + "/out/detections.csv")
    #expect(detections.count == summary.detections && Set(detections.map(\.frame)) == [1, 5, 9, 13, 17])
    let rows = try Self.tubeRows(dir + "/out/tubes.csv")
    let ids = Set(rows.map(\.tube))
    #expect(!rows.isEmpty && summary.tubes == ids.count && ids == Set(1...ids.count))
    #expect(summary.line.contains("\(ids.count) tubes, "))
    var previousScore = Float.infinity
    for id in 1...ids.count {
      let tube = rows.filter { $0.tube == id }
      // One label and score per tube, best first; frames consecutive, at least ACT's 15.
      #expect(Set(tube.map(\.label)).count == 1 && Set(tube.map(\.score)).count == 1)
      #expect(tube[0].score <= previousScore)
      previousScore = tube[0].score
      #expect(tube.map(\.frame) == Array(tube[0].frame..<(tube[0].frame + tube.count)) && tube.count >= 15)
      for row in tube {
        // Each box is a detection of its label on the keyframe the frame shows.
        let keyframe = (row.frame - 1) / 4 * 4 + 1
        #expect(row.video == "ucf24_v_Basketball_g01_c02")
        #expect(detections.contains { $0.frame == keyframe && $0.label == row.label && $0.box == row.box })
      }
    }
    // Every frame is written, and each is the source frame with its tubes and the banner drawn.
    let source = try VideoReader(path: DetectCommandTests.clip)
    for frame in 1...20 {
      var expected = try #require(try source.nextFrame())
      expected.drawTubes(
        rows.filter { $0.frame == frame }.sorted { $0.tube < $1.tube }.map {
          ReviewBox(label: $0.label, score: $0.score, box: $0.box, tube: $0.tube)
        })
      expected.drawBanner("UNTRAINED WEIGHTS - NOT REAL DETECTIONS")
      let written = try RGBImage(pngAt: dir + "/out/" + String(format: "%05d.png", frame))
      #expect(written.pixels == expected.pixels, "frame \(frame)")
    }
  }

  /// Several videos: each is linked on its own, into its own folder.
  @Test func eachVideoGetsItsOwnTubes() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let frames = URL(fileURLWithPath: DetectCommandTests.clip).deletingLastPathComponent()
      .appendingPathComponent("jpeg_frames").path
    let command = try Detect.parse([
      DetectCommandTests.clip, frames, "--out", dir + "/out", "--weights", try Self.seededCheckpoint(in: dir),
      "--max-frames", "6", "--every", "3", "--tubes", "--linking", "yowo",
    ])
    try command.run()
    for (name, video) in [
      ("ucf24_v_Basketball_g01_c02", "ucf24_v_Basketball_g01_c02"), ("jpeg_frames", "jpeg_frames"),
    ] {
      let rows = try Self.tubeRows(dir + "/out/\(name)/tubes.csv")
      // YOWO's tubes span the whole video.
      #expect(!rows.isEmpty && rows.allSatisfy { $0.video == video && (1...6).contains($0.frame) })
      #expect(FileManager.default.fileExists(atPath: dir + "/out/\(name)/00006.png"))
    }
    #expect(throws: (any Error).self) {
      _ = try Detect.parse(["clip.mp4", "--out", "out", "--linking", "road"])  // --linking needs --tubes
    }
  }
}
