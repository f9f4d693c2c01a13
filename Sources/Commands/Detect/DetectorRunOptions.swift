import ArgumentParser
import Datasets
import Detection
import Foundation
import Tensor

/// `eval-framemap` options that run the detector over the split's test videos instead of reading
/// a detections file.
public struct DetectorRunOptions: ParsableArguments {
  /// Detector checkpoint.
  @Option(
    name: .customLong("detector"),
    help: ArgumentHelp("Run this detector checkpoint over the split's test videos.", valueName: "file"))
  public var checkpoint: String?

  /// Frames root.
  @Option(
    help: ArgumentHelp(
      "Root of the test videos' frames: <root>/<video id>/00001.png … (JHMDB: Frames).", valueName: "dir"))
  public var framesRoot: String?

  /// Cache folder.
  @Option(
    help: ArgumentHelp(
      "Per-video detections cache; a killed run resumes from it (default: <frames-root>/../detections-cache).",
      valueName: "dir"))
  public var cache: String?

  /// Keyframe stride.
  @Option(name: .customLong("detector-every"), help: "Detect on every N-th frame.")
  public var every = 1

  /// Compute threads.
  @Option(name: .customLong("detector-threads"), help: "Compute threads of the detector.")
  public var threads = 2

  /// Creates the options with their defaults.
  public init() {}

  /// Whether the detector mode was asked for.
  public var isEnabled: Bool { checkpoint != nil }
}

extension DetectorRunOptions {
  /// Loads the checkpoint and returns the detections of `videos` (cached per video).
  func detections(videos: [String]) throws -> [FrameDetection] {
    guard let checkpoint, let framesRoot else { return [] }
    Compute.setThreadCount(threads)
    let (detector, provenance) = try DetectorCheckpoint.load(path: checkpoint)
    if !provenance.hasPrefix("trained") {
      FileHandle.standardError.write(
        Data("note: detector weights \(provenance): NOT a trained detector\n".utf8))
    }
    var run = SplitDetection(
      framesRoot: framesRoot, cacheDirectory: cache ?? "\(framesRoot)/../detections-cache")
    run.every = every
    return try run.detections(videos: videos, detector: detector)
  }
}
