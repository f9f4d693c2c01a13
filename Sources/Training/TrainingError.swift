/// Why training cannot start or go on; every description is one line naming the file, video or step.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The frames root is missing or not a folder.
  case missingFramesRoot(path: String)
  /// A training video's frame folder is missing or unreadable.
  case missingFrames(video: String, path: String, reason: String)
  /// A video has fewer frames than its ground truth annotates.
  case tooFewFrames(video: String, path: String, frames: Int, expected: Int)
  /// The checkpoint's classes are not the dataset's labels.
  case classMismatch(checkpoint: String, classes: [String], labels: [String])
  /// The run folder cannot be created or written.
  case unwritableRunFolder(path: String, reason: String)
  /// A loss became NaN or infinite.
  case nonFiniteLoss(step: Int, loss: String, lastCheckpoint: String?)
  /// The run folder holds no state to resume from, or a state that does not fit.
  case badResume(path: String, detail: String)
  /// No annotated frame to train on.
  case noExamples(detail: String)
  /// A frame could not be decoded.
  case unreadableFrame(video: String, detail: String)
  /// A flow stream's stored flow is missing or unreadable (`detail` names the file).
  case missingFlow(video: String, path: String, detail: String)
  /// A data-parallel run's global batch has fewer samples than there are ranks.
  case batchSmallerThanRanks(batch: Int, ranks: Int)
  /// The ranks of a data-parallel run hold different weights at `step` (hashes' minimum and maximum).
  case ranksDiverged(step: Int, minimum: UInt64, maximum: UInt64)
  /// `--time-reverse` names an unknown class, is malformed, or gives a class two partners.
  case badTimeReversal(String)
  /// Time reversal asked of a flow stream (its stored flow would have to be recomputed backwards).
  case timeReversalOfFlow

  /// One line.
  public var description: String {
    switch self {
    case .missingFramesRoot(let path):
      return "\(path): frames root not found (expected <root>/<video id>/00001.png …)"
    case .missingFrames(let video, let path, let reason):
      return "\(path): frames of training video '\(video)' not found (\(reason))"
    case .tooFewFrames(let video, let path, let frames, let expected):
      return "\(path): video '\(video)' has \(frames) frames, but the ground truth says \(expected)"
    case .classMismatch(let checkpoint, let classes, let labels):
      return
        "\(checkpoint): the checkpoint's \(classes.count) classes (\(classes.prefix(3).joined(separator: ", "))…) "
        + "are not the dataset's \(labels.count) labels (\(labels.prefix(3).joined(separator: ", "))…), in order"
    case .unwritableRunFolder(let path, let reason):
      return "\(path): cannot write the run folder (\(reason))"
    case .nonFiniteLoss(let step, let loss, let last):
      return "step \(step): loss is \(loss); stopped, "
        + (last.map { "last good checkpoint \($0)" } ?? "no checkpoint written yet")
    case .badResume(let path, let detail):
      return "\(path): cannot resume (\(detail))"
    case .noExamples(let detail):
      return "no annotated frames to train on (\(detail))"
    case .unreadableFrame(let video, let detail):
      return "video '\(video)': \(detail)"
    case .missingFlow(let video, let path, let detail):
      return "\(path): flow of training video '\(video)': \(detail)"
    case .batchSmallerThanRanks(let batch, let ranks):
      return
        "--batch-size \(batch) is the global batch: it needs at least one sample per rank (\(ranks) ranks)"
    case .ranksDiverged(let step, let minimum, let maximum):
      return "step \(step): the ranks hold different weights (hashes from \(String(minimum, radix: 16)) to "
        + "\(String(maximum, radix: 16))); stopped"
    case .badTimeReversal(let detail):
      return "--time-reverse \(detail)"
    case .timeReversalOfFlow:
      return "--time-reverse needs an RGB context stream: stored flow cannot be played backwards (drop it)"
    }
  }
}

extension TrainingError {
  /// Throws ``classMismatch(checkpoint:classes:labels:)`` unless the checkpoint's classes are the
  /// dataset's labels, in the same order (the classifier's rows are the labels' indices).
  public static func checkClasses(checkpoint: String, classes: [String], labels: [String]) throws {
    guard classes == labels else {
      throw TrainingError.classMismatch(checkpoint: checkpoint, classes: classes, labels: labels)
    }
  }
}
