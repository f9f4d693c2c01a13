import Datasets
import Foundation
import Primitives
import Rendering
import Testing

@testable import Commands

@Suite(.serialized) struct RenderAnnotationsTests {
  static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../shared").standardized.path
  static let video = shared + "/data/videos/ucf24_v_Biking_g01_c01.mp4"
  static let pyannot = shared + "/data/gt/ucf24/pyannot.pkl"

  func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID().uuidString)").path
  }

  func pngs(in dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".png") }.sorted()
  }

  @Test func drawsGroundTruthOnEveryFrameOfARealClip() throws {
    let out = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: out) }
    // No --video-id: the id is found from the file name.
    let command = try RenderAnnotations.parse([Self.video, "--gt", Self.pyannot, "--out", out])
    try command.run()
    let files = try pngs(in: out)
    #expect(files.count == 151)  // ffprobe -count_frames
    #expect(files.first == "00001.png" && files.last == "00151.png")

    // The left edge of the ground-truth box of frame 60, scaled from 320x240 to 340x256.
    let truth = try GroundTruth(contentsOf: Self.pyannot)
    let tube = try #require(truth.videos["Biking/v_Biking_g01_c01"]?.tubes.first)
    let row = try #require(tube.frames.firstIndex(of: 60))
    let b = tube.boxes[row]
    let frame = try RGBImage(pngAt: out + "/00060.png")
    #expect(frame.width == 340 && frame.height == 256)
    let x = Int((b.x1 * 340 / 320).rounded(.down))
    let y = Int(((b.y1 + b.y2) / 2 * 256 / 240).rounded(.down))
    let c = Palette.groundTruth
    #expect(frame[x, y] == (c.r, c.g, c.b))
    #expect(frame[x + 5, y] != (c.r, c.g, c.b))  // inside the box: the video, not the outline
  }

  @Test func colorsDetectionsByOutcome() throws {
    let out = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let truth = try GroundTruth(contentsOf: Self.pyannot)
    let tube = try #require(truth.videos["Biking/v_Biking_g01_c01"]?.tubes.first)
    let gt = tube.boxes[try #require(tube.frames.firstIndex(of: 30))]
    // Detections are in the video's pixels (340x256): one on the person, one elsewhere.
    let onPerson = gt.scaled(x: 340 / 320, y: 256 / 240)
    let csv = out + "-dets.csv"
    defer { try? FileManager.default.removeItem(atPath: csv) }
    try DetectionsFile.write(
      [
        FrameDetection(
          video: "Biking/v_Biking_g01_c01", frame: 30, label: "Biking", score: 0.9, box: onPerson),
        FrameDetection(
          video: "Biking/v_Biking_g01_c01", frame: 30, label: "Biking", score: 0.4,
          box: Box(x1: 2, y1: 150, x2: 30, y2: 200)),
        FrameDetection(
          video: "other/video", frame: 31, label: "Biking", score: 0.9,
          box: Box(x1: 2, y1: 150, x2: 30, y2: 200)),
      ], to: csv)
    let command = try RenderAnnotations.parse([
      Self.video, "--gt", Self.pyannot, "--video-id", "Biking/v_Biking_g01_c01", "--detections", csv, "--out",
      out,
    ])
    try command.run()
    let frame30 = try RGBImage(pngAt: out + "/00030.png")
    let tp = Palette.truePositive
    let fp = Palette.falsePositive
    let missed = Palette.missed
    let midY = Int((onPerson.y1 + onPerson.y2) / 2)
    #expect(frame30[Int(onPerson.x1.rounded(.down)), midY] == (tp.r, tp.g, tp.b))
    #expect(frame30[2, 175] == (fp.r, fp.g, fp.b))
    // Frame 31 has no detection of this video, so its ground truth is missed.
    let frame31 = try RGBImage(pngAt: out + "/00031.png")
    let gt31 = tube.boxes[try #require(tube.frames.firstIndex(of: 31))]
    let x = Int((gt31.x1 * 340 / 320).rounded(.down))
    let y = Int(((gt31.y1 + gt31.y2) / 2 * 256 / 240).rounded(.down))
    #expect(frame31[x, y] == (missed.r, missed.g, missed.b))
  }

  @Test func tubesAreLinkedAndNumberedPerVideo() throws {
    // Three tracks of 20 frames (a strong and a weaker "Biking", a middling "Diving") and a 3-frame
    // blip, which is too short to be an ACT tube.
    var rows: [FrameDetection] = []
    for frame in 1...20 {
      let x = Float(frame) * 2
      rows.append(
        FrameDetection(
          video: "v", frame: frame, label: "Biking", score: 0.9, box: Box(x1: x, y1: 10, x2: x + 40, y2: 90)))
      rows.append(
        FrameDetection(
          video: "v", frame: frame, label: "Biking", score: 0.6, box: Box(x1: 200, y1: 100, x2: 240, y2: 180))
      )
      rows.append(
        FrameDetection(
          video: "v", frame: frame, label: "Diving", score: 0.75, box: Box(x1: 100, y1: 100, x2: 150, y2: 200)
        )
      )
    }
    for frame in 5...7 {
      rows.append(
        FrameDetection(
          video: "v", frame: frame, label: "Diving", score: 0.9, box: Box(x1: 100, y1: 0, x2: 120, y2: 30)))
    }
    rows.append(
      FrameDetection(video: "w", frame: 1, label: "Biking", score: 0.9, box: Box(x1: 0, y1: 0, x2: 9, y2: 9)))
    let byFrame = ReviewInputs.tubeDetections(
      of: "v", in: rows, labels: nil, frameCount: nil, minimumScore: 0)
    #expect(byFrame.keys.sorted() == Array(1...20))
    // Ids run over the whole video, best tube first, whatever the label; labels stay plain, so
    // that with --gt the boxes are matched against the ground truth of their label.
    let frame10 = try #require(byFrame[10])
    #expect(frame10.map(\.tube) == [1, 2, 3])
    #expect(frame10.map(\.label) == ["Biking", "Diving", "Biking"])
    #expect(frame10.map(\.caption) == ["#1 Biking 0.90", "#2 Diving 0.75", "#3 Biking 0.60"])
    #expect(frame10[0].box == Box(x1: 20, y1: 10, x2: 60, y2: 90))
    // A score threshold applies to the tube's score (and ids count the tubes shown).
    let strong = ReviewInputs.tubeDetections(
      of: "v", in: rows, labels: nil, frameCount: nil, minimumScore: 0.7)
    #expect(strong[10]?.map(\.caption) == ["#1 Biking 0.90", "#2 Diving 0.75"])
    // --linking yowo: whole-video tubes, one per box of the frame with the fewest (2 Biking, 1 Diving).
    let yowo = ReviewInputs.tubeDetections(
      of: "v", in: rows, linking: .yowo, labels: nil, frameCount: nil, minimumScore: 0)
    #expect(yowo.keys.sorted() == Array(1...20) && yowo.values.allSatisfy { $0.count == 3 })
    #expect(throws: (any Error).self) {
      _ = try RenderAnnotations.parse([Self.video, "--gt", Self.pyannot, "--tubes", "--out", "x"])
    }
    #expect(throws: (any Error).self) {
      _ = try RenderAnnotations.parse([
        Self.video, "--detections", "d.csv", "--linking", "road", "--out", "x",
      ])
    }
  }

  @Test func tubesWithGroundTruthAreTruePositivesAndWithoutItTubeColoured() throws {
    let out = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let truth = try GroundTruth(contentsOf: Self.pyannot)
    let tube = try #require(truth.videos["Biking/v_Biking_g01_c01"]?.tubes.first)
    // A detection on the ground-truth box (in the video's 340x256 pixels) on 20 frames from frame 30.
    var rows: [FrameDetection] = []
    for frame in 30..<50 {
      let gt = tube.boxes[try #require(tube.frames.firstIndex(of: frame))]
      rows.append(
        FrameDetection(
          video: "Biking/v_Biking_g01_c01", frame: frame, label: "Biking", score: 0.9,
          box: gt.scaled(x: 340 / 320, y: 256 / 240)))
    }
    let csv = out + "-dets.csv"
    defer { try? FileManager.default.removeItem(atPath: csv) }
    try DetectionsFile.write(rows, to: csv)
    let x = Int(rows[10].box.x1.rounded(.down))
    let y = Int((rows[10].box.y1 + rows[10].box.y2) / 2)
    try RenderAnnotations.parse([
      Self.video, "--gt", Self.pyannot, "--detections", csv, "--tubes", "--out", out,
    ]).run()
    let tp = Palette.truePositive
    #expect(try RGBImage(pngAt: out + "/00040.png")[x, y] == (tp.r, tp.g, tp.b))
    try RenderAnnotations.parse([
      Self.video, "--video-id", "Biking/v_Biking_g01_c01", "--detections", csv, "--tubes", "--out",
      out + "-2",
    ]).run()
    defer { try? FileManager.default.removeItem(atPath: out + "-2") }
    let first = Palette.colour(forTube: 1)
    #expect(try RGBImage(pngAt: out + "-2/00040.png")[x, y] == (first.r, first.g, first.b))
  }

  @Test func badInputsAreOneLineErrors() throws {
    let out = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: out) }
    #expect(throws: (any Error).self) {
      let c = try RenderAnnotations.parse([Self.video, "--out", out])  // nothing to draw
      try c.run()
    }
    #expect {
      let c = try RenderAnnotations.parse([Self.video, "--gt", "/nonexistent/gt.pkl", "--out", out])
      try c.run()
    } throws: { error in
      "\(error)".contains("/nonexistent/gt.pkl") && !"\(error)".contains("\n")
    }
    #expect {
      let c = try RenderAnnotations.parse([
        Self.video, "--gt", Self.pyannot, "--video-id", "Biking/no_such_video", "--out", out,
      ])
      try c.run()
    } throws: { error in
      "\(error)".contains("no video \"Biking/no_such_video\"")
    }
    #expect(!FileManager.default.fileExists(atPath: out))  // nothing written before the inputs check out
    #expect {
      let c = try RenderAnnotations.parse(["/nonexistent/clip.mp4", "--gt", Self.pyannot, "--out", out])
      try c.run()
    } throws: { error in
      "\(error)" == "/nonexistent/clip.mp4: no such file or folder."
    }
    // An output folder under a file: one line naming the folder and the reason, nothing written.
    let file = out + "-file"
    #expect(FileManager.default.createFile(atPath: file, contents: Data()))
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect {
      let c = try RenderAnnotations.parse([Self.video, "--gt", Self.pyannot, "--out", file + "/review"])
      try c.run()
    } throws: { error in
      "\(error)" == "\(file)/review: cannot create the output folder (\(file) is a file)"
    }
  }
}
