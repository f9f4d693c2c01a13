import ArgumentParser
import Datasets
import Distributed
import Evaluation
import Foundation

extension Dataset: ExpressibleByArgument {}

/// `eval-framemap DATASET SPLIT --detections FILE.csv`: frame-mAP of detections against a dataset's
/// ground truth under one of four published protocols.
///
/// ```
/// $ eval-framemap jhmdb split1 --detections dets.csv --protocol act --ties stable
/// protocol: act — ACT/MOC: +1-pixel IoU, …
/// …
/// mAP   65.43 …
/// ```
public struct EvalFrameMAP: ParsableCommand {
  /// Name, abstract and the protocol descriptions shown by `--help`.
  public static let configuration = CommandConfiguration(
    commandName: "eval-framemap",
    abstract: "Frame-mAP of a detections file against JHMDB-21 or UCF-101-24 ground truth.",
    discussion: """
      Protocols (--protocol), each reproducing a published evaluation script:
        act   \(FrameAPProtocol.act.summary)
        voc   \(FrameAPProtocol.voc.summary)
        tfod  \(FrameAPProtocol.tfod.summary)
        yowo  \(FrameAPProtocol.yowo.summary)

      Ties (--ties): equal scores are ranked in input order (videos in split order, frames ascending, \
      file order within a frame) with 'stable', or in numpy <= 1.24's argsort order with \
      'numpy-legacy' to reproduce ACT/MOC numbers exactly. The rule used is printed with the results.

      JHMDB's customary number is the mean of the three split mAPs: use --all-splits.
      Ground truth: annotations/<dataset>/ (JHMDB-GT.pkl; UCF101v2-GT.pkl if present, else pyannot.pkl).
      Details: eval/PROTOCOLS.md.
      """)

  /// Dataset name.
  @Argument(help: "jhmdb or ucf24.")
  public var dataset: Dataset

  /// Split name.
  @Argument(help: "split1, split2 or split3 (JHMDB); split1 (UCF-101-24). Omit with --all-splits.")
  public var split: String?

  /// Mean over JHMDB's three splits.
  @Flag(help: "Evaluate split1..split3 and report the mean of the three split mAPs.")
  public var allSplits = false

  /// Inputs.
  @OptionGroup public var input: FrameMAPInputOptions
  /// Scoring.
  @OptionGroup public var scoring: ProtocolOptions
  /// Outputs.
  @OptionGroup public var output: ReportOutputOptions
  /// Running the detector instead of reading detections (Commands/Detect/DetectorRunOptions.swift).
  @OptionGroup public var detector: DetectorRunOptions

  /// Creates the command with default options.
  public init() {}

  /// Checks the arguments that need no file access.
  public func validate() throws {
    if allSplits {
      guard split == nil else { throw ValidationError("give either a SPLIT or --all-splits, not both") }
    } else {
      guard let split else {
        throw ValidationError("missing SPLIT (split1, split2, split3) or --all-splits")
      }
      _ = try dataset.splitNumber(split)
    }
    if detector.isEnabled {
      guard input.detections.isEmpty, detector.framesRoot != nil else {
        throw ValidationError("with --detector give --frames-root DIR and no --detections")
      }
      return
    }
    guard !input.detections.isEmpty else {
      throw ValidationError(
        "--detections FILE.csv is required, or --detector FILE --frames-root DIR to run the detector")
    }
    let splits = allSplits ? dataset.splitCount : 1
    guard input.detections.count == 1 || input.detections.count == splits else {
      throw ValidationError(
        "give one --detections file, or one per split (\(splits)), not \(input.detections.count)")
    }
  }

  /// Loads, evaluates and prints. Under `mpirun` with `--detector`, the ranks share the videos and
  /// rank 0 alone evaluates and prints (a rank that fails ends the job with one line naming it).
  public func run() throws {
    let group = detector.isEnabled ? try ProcessGroup.joinIfLaunched() : nil
    do {
      try run(group: group) { print(TerminalText.escaped($0, keepingNewlines: true)) }
    } catch {
      guard let group, group.size > 1 else { throw error }
      group.abort("eval-framemap", failedWith: error)
    }
  }

  /// Loads, evaluates and hands each table to `write` (stdout for ``run()``); warnings go to stderr.
  /// With a `group` (an `mpirun` job) only rank 0 evaluates and writes.
  public func run(group: ProcessGroup? = nil, writing write: (String) -> Void) throws {
    let (gt, source) = try input.loadGroundTruth(dataset: dataset)
    let splits = allSplits ? Array(1...dataset.splitCount) : [try dataset.splitNumber(split ?? "")]
    let runner = detector.isEnabled ? try detector.runner(labels: gt.labels, group: group) : nil
    var reports: [FrameMAPReport] = []
    var cache: [String: [FrameDetection]] = [:]
    for (i, s) in splits.enumerated() {
      let videos = try input.splitVideos(gt, split: s)
      let file =
        runner != nil
        ? "detector" : input.detections.count == 1 ? input.detections[0] : input.detections[i]
      let ran = try runner?.detections(videos: videos, frameCounts: gt.videos.mapValues(\.frameCount))
      if runner != nil, ran == nil { continue }  // a rank other than 0: its rows went to rank 0
      let detections = try ran ?? cache[file] ?? DetectionsFile.read(path: file)
      if runner == nil { cache[file] = detections }
      let report = FrameMAPEvaluator(groundTruth: gt, videos: videos, detections: detections)
        .evaluate(protocol: scoring.protocol, ties: scoring.ties, iouThreshold: scoring.iou)
      let title =
        "\(dataset.displayName) split\(s): ground truth \(source); "
        + "detections \(file) (\(detections.count) rows)"
      write(report.table(title: title))
      for warning in report.warnings {
        TerminalText.warn("warning: split\(s): \(warning)")
      }
      reports.append(report)
    }
    guard group?.isLeader ?? true else { return }
    let mean = SplitMeanReport(splits: reports)
    if allSplits { write(mean.table()) }
    if let path = output.json {
      let data = allSplits ? try FrameMAPJSON.encode(mean) : try FrameMAPJSON.encode(reports[0])
      try OutputFile.write(data, to: path)
    }
    if let directory = output.plots {
      try PlotWriter.write(reports, splits: splits, dataset: dataset, to: directory)
    }
  }
}
