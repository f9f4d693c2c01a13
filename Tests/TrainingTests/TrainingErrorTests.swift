import Commands
import Detection
import Foundation
import Networks
import Testing

@testable import Training

/// Bad input: one readable error naming the problem, and nothing half-written.
@Suite struct TrainingErrorTests {
  @Test func missingFramesRootIsNamed() throws {
    #expect(throws: TrainingError.missingFramesRoot(path: "/nonexistent/Frames")) {
      try FramesRootCheck.frameCounts(root: "/nonexistent/Frames", videos: ["a/b"], expected: [:])
    }
  }

  @Test func missingVideoFramesAreNamed() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    try FileManager.default.removeItem(atPath: "\(set.root)/left/v0")
    do {
      _ = try FramesRootCheck.frameCounts(root: set.root, videos: set.videos, expected: [:])
      Issue.record("no error")
    } catch let error as TrainingError {
      guard case .missingFrames(let video, _, _) = error else { Issue.record("\(error)"); return }
      #expect(video == "left/v0")
      #expect(!error.description.contains("\n"))
    }
  }

  @Test func fewerFramesThanGroundTruthIsNamed() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    try FileManager.default.removeItem(atPath: "\(set.root)/right/v0/00008.png")
    #expect(
      throws: TrainingError.tooFewFrames(
        video: "right/v0", path: "\(set.root)/right/v0", frames: 7, expected: 8)
    ) {
      try FramesRootCheck.frameCounts(
        root: set.root, videos: set.videos, expected: set.groundTruth.videos.mapValues(\.frameCount))
    }
  }

  @Test func checkpointClassesMustBeTheLabels() throws {
    #expect(throws: TrainingError.self) {
      try TrainingError.checkClasses(checkpoint: "d.safetensors", classes: ["a", "b"], labels: ["b", "a"])
    }
    try TrainingError.checkClasses(checkpoint: "d.safetensors", classes: ["a", "b"], labels: ["a", "b"])
  }

  @Test func unwritableRunFolderIsRefusedBeforeTraining() throws {
    let file = NSTemporaryDirectory() + "train-not-a-folder-\(UUID().uuidString)"
    #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
    defer { try? FileManager.default.removeItem(atPath: file) }
    let configuration = SyntheticSet.configuration()
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    do {
      _ = try Trainer(
        detector: detector, options: TrainerResumeTests.options(steps: 1), runDirectory: file + "/run",
        provenance: [:])
      Issue.record("no error")
    } catch let error as TrainingError {
      guard case .unwritableRunFolder = error else { Issue.record("\(error)"); return }
    }
  }

  /// A diverging run stops at the step whose loss is not finite, names it, and keeps the last good
  /// checkpoint (readable by `detect`) and its state.
  @Test func nonFiniteLossStopsAndKeepsLastCheckpoint() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let configuration = SyntheticSet.configuration()
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    let options = TrainingOptions(
      steps: 20, schedule: LearningRateSchedule(base: 1e25, warmupSteps: 0, decay: .cosine, totalSteps: 20),
      clipNorm: nil, checkpointEvery: 1, parts: .all, augmentation: .none)
    let trainer = try Trainer(
      detector: detector, options: options, runDirectory: set.root + "/run", provenance: [:])
    let builder = SampleBuilder(
      framesRoot: set.root, frameCounts: set.groundTruth.videos.mapValues(\.frameCount),
      configuration: configuration, augmentation: .none)
    do {
      try trainer.run(
        examples: TrainingExample.all(in: set.groundTruth, videos: set.videos), builder: builder)
      Issue.record("no error")
    } catch let error as TrainingError {
      guard case .nonFiniteLoss(let step, _, let last) = error else { Issue.record("\(error)"); return }
      #expect(step >= 2)
      #expect(last == set.root + "/run/" + trainer.checkpointName(step: step - 1))
      _ = try DetectorCheckpoint.load(path: last ?? "")
      #expect(try RunState.read(directory: set.root + "/run").step == step - 1)
      #expect(!FileManager.default.fileExists(atPath: set.root + "/run/final.safetensors"))
      #expect(error.description.hasPrefix("step \(step): loss is "))
    }
  }

  @Test func commandRefusesInitWithoutRunFolder() throws {
    #expect(throws: (any Error).self) {
      _ = try Train.parse(["jhmdb", "split1", "--frames-root", "/tmp", "--init", "d.safetensors"])
    }
    #expect(throws: (any Error).self) {
      _ = try Train.parse([
        "jhmdb", "split1", "--frames-root", "/tmp", "--init", "d", "--run", "r", "--train", "x",
      ])
    }
  }

  @Test func resumeRefusesChangedSettingsByName() throws {
    #expect {
      _ = try Train.parse([
        "jhmdb", "split1", "--frames-root", "/tmp", "--resume", "r", "--lr", "0.5", "--seed", "3",
      ])
    } throws: { error in
      let text = Train.message(for: error)
      return text.contains("--lr, --seed: a resumed run keeps the settings it was started with")
    }
    // Only the run's length may change; --threads and --loaders are the machine's.
    #expect(throws: Never.self) {
      _ = try Train.parse([
        "jhmdb", "split1", "--frames-root", "/tmp", "--resume", "r", "--steps", "40", "--threads", "1",
      ])
    }
  }

  @Test func resumedRunsLastStepMovesWithSteps() throws {
    let set = try SyntheticSet(perClass: 1, frames: 8)
    defer { set.remove() }
    let pickle = set.root + "/gt.pkl"
    try set.groundTruth.writeACTPickle(to: pickle)
    let common = ["toy", "split1", "--gt", pickle, "--frames-root", set.root, "--threads", "1"]
    try Train.parse(
      common + [
        "--scratch", "64x80,8,8,16,20", "--run", set.root + "/run", "--steps", "4", "--checkpoint-every", "2",
        "--schedule", "cosine", "--stop-after", "2",
      ]
    ).run()
    var state = try RunState.read(directory: set.root + "/run")
    #expect(state.step == 2 && state.options.steps == 4)
    #expect {
      try Train.parse(common + ["--resume", set.root + "/run", "--steps", "1"]).run()
    } throws: { "\($0)".contains("--steps 1: the run has already taken 2 steps") }
    try Train.parse(common + ["--resume", set.root + "/run", "--steps", "6"]).run()
    state = try RunState.read(directory: set.root + "/run")
    #expect(state.step == 6 && state.options.steps == 6 && state.options.schedule.totalSteps == 6)
  }
}
