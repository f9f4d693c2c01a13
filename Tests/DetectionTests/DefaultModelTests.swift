import Commands
import Datasets
import Detection
import Foundation
import Testing

/// The shipped default model (eval/DEFAULT_MODEL.md) on the bundled demo clip (eval/demo/README.md):
/// the README's first command with a keyframe every 24 frames. The clip is three videos: clap
/// (frames 1–49), kick (50–128), sit down (129–207).
@Suite struct DefaultModelTests {
  static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../eval/demo/synthetic-demo.mp4").standardized.path

  @Test func shipsAndRecognisesTheDemoActions() throws {
    let path = try #require(
      DefaultDetector.path(), "the default model is missing from Sources/Commands/Resources")
    let (configuration, provenance, _) = try DetectorCheckpoint.open(path: path)
    #expect(DetectorCheckpoint.isTrained(provenance: provenance))
    #expect(configuration.classes.count == 10 && configuration.classes.contains("sit_down"))

    let dir = NSTemporaryDirectory() + "default-model-test-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // Keyframes 1, 25, 49, …, 193; checked: 25, 97 and 169, each 10+ frames inside its segment, so
    // that the 20-frame window around it lies within one video.
    var job = DetectRun(video: Self.demo, outputDirectory: dir)
    job.every = 24
    job.showProgress = false
    #expect(job.modelDescription.contains("the default model") && job.modelDescription.contains("synthetic"))
    let summary = try job.run()
    #expect(summary.frames == 207)
    #expect(!summary.line.contains("NOT real detections"))

    let rows = try DetectionsFile.read(path: dir + "/detections.csv")
    // Each action is found with a high score (one clapping figure is also read as waving, 0.92).
    for (keyframe, action) in [(25, "clap"), (97, "kick"), (169, "sit_down")] {
      let best = rows.filter { $0.frame == keyframe && $0.label == action }.map(\.score).max() ?? 0
      #expect(best >= 0.8, "frame \(keyframe): best \(action) \(best)")
    }
    // Direction: the three figures sitting down, none read as standing up (the time reverse).
    let sure = rows.filter { $0.frame == 169 && $0.score >= 0.5 }
    #expect(sure.count == 3 && sure.allSatisfy { $0.label == "sit_down" }, "\(sure.map(\.label))")
  }

  /// The shipped flow stream (`detect --flow default`) beside the default model on the demo's clap
  /// video (frames 1–49, TV-L1 computed while decoding: about 48 pairs, seconds).
  @Test func flowStreamShipsAndFusesOnTheDemo() throws {
    let path = try #require(
      DefaultDetector.flowPath(), "the default flow stream is missing from Sources/Commands/Resources")
    let (configuration, provenance, _) = try DetectorCheckpoint.open(path: path)
    #expect(DetectorCheckpoint.isTrained(provenance: provenance))
    #expect(configuration.contextStream == .flow && configuration.classes.count == 10)

    let dir = NSTemporaryDirectory() + "default-flow-test-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var job = DetectRun(video: Self.demo, outputDirectory: dir)
    job.flowWeights = DefaultDetector.flowKeyword
    job.every = 24
    job.maxFrames = 49
    job.showProgress = false
    #expect(job.flowDescription?.contains("the default flow stream") == true)
    let summary = try job.run()
    #expect(summary.frames == 49 && summary.keyframes == 3)
    let note = try String(contentsOfFile: dir + "/weights.txt", encoding: .utf8)
    #expect(note.contains("two streams"), "\(note)")

    let rows = try DetectionsFile.read(path: dir + "/detections.csv")
    let best = rows.filter { $0.frame == 25 && $0.label == "clap" }.map(\.score).max() ?? 0
    #expect(best >= 0.8, "frame 25: best fused clap \(best)")
  }
}
