import ArgumentParser
import Datasets
import Distributed
import Evaluation
import Foundation

extension TubeLinking: ExpressibleByArgument {}
extension VideoAPProtocol: ExpressibleByArgument {}

/// `eval-videomap DATASET SPLIT --detections FILE.csv`: video-mAP of per-frame detections, linked
/// into tubes, at spatio-temporal IoU 0.2 and 0.5:0.95, as ACT and MOC (`--protocol act`, the
/// default), YOWO (`--protocol yowo`) or ROAD (`--protocol road`) compute it.
///
/// ```
/// $ eval-videomap jhmdb split1 --detections dets.csv
/// protocol: act — MOC-Detector videoAP (45c3fd0c, ACT's): …
/// linking: act — ACT/MOC BuildTubes (MOC-Detector 45c3fd0c) with K=1: …
/// label       GT tubes  tubes  AP@0.2  AP@0.5  …  AP@0.95
/// …
/// mAP@0.5:0.95: 17.96
/// ```
public struct EvalVideoMAP: ParsableCommand {
  /// Name, abstract and discussion shown by `--help`.
  public static let configuration = CommandConfiguration(
    commandName: "eval-videomap",
    abstract: "Video-mAP of per-frame detections (linked into tubes) against JHMDB-21 or UCF-101-24.",
    discussion: """
      Scoring (--protocol; a match needs spatio-temporal IoU >= threshold, road: >):
        act   \(VideoAPProtocol.act.summary)
        yowo  \(VideoAPProtocol.yowo.summary)
        road  \(VideoAPProtocol.road.summary)
      Linking (--linking; default: the protocol's own):
        act   \(TubeLinking.act.summary)
        yowo  \(TubeLinking.yowo.summary)
        road  \(TubeLinking.road.summary)
      Thresholds 0.2 and 0.5, 0.55, ..., 0.95 and their 0.5:0.95 mean. Details: eval/PROTOCOLS.md.
      """)

  /// Dataset name.
  @Argument(help: "jhmdb or ucf24.")
  public var dataset: Dataset

  /// Split name.
  @Argument(help: "split1, split2 or split3 (JHMDB); split1 (UCF-101-24).")
  public var split: String

  /// Inputs.
  @OptionGroup public var input: FrameMAPInputOptions

  /// Video-AP protocol.
  @Option(name: .customLong("protocol"), help: "Whose video-AP: act (ACT/MOC, default), yowo or road.")
  public var videoAPProtocol: VideoAPProtocol = .act

  /// Linking method; `nil` means the protocol's own.
  @Option(help: "How per-frame detections become tubes: act, yowo or road (default: the protocol's).")
  public var linking: TubeLinking?

  /// JSON output path.
  @Option(help: ArgumentHelp("Also write the report as JSON.", valueName: "file.json"))
  public var json: String?

  /// Running the detector instead of reading detections (as `eval-framemap --detector`).
  @OptionGroup public var detector: DetectorRunOptions

  /// Creates the command with default options.
  public init() {}

  /// Checks the arguments that need no file access.
  public func validate() throws {
    _ = try dataset.splitNumber(split)
    if detector.isEnabled {
      guard input.detections.isEmpty, detector.framesRoot != nil else {
        throw ValidationError("with --detector give --frames-root DIR and no --detections")
      }
      return
    }
    guard input.detections.count == 1 else {
      throw ValidationError(
        "give exactly one --detections FILE.csv (got \(input.detections.count)), or --detector FILE --frames-root DIR"
      )
    }
  }

  /// Loads, links, evaluates and prints. Under `mpirun` with `--detector` the ranks share the videos
  /// and rank 0 alone links, evaluates and prints.
  public func run() throws {
    let group = detector.isEnabled ? try ProcessGroup.joinIfLaunched() : nil
    do {
      try run(group: group) { print(TerminalText.escaped($0, keepingNewlines: true), terminator: "") }
    } catch {
      guard let group, group.size > 1 else { throw error }
      group.abort("eval-videomap", failedWith: error)
    }
  }

  /// Loads, links, evaluates and hands the table to `write` (stdout for ``run()``); with a `group`
  /// only rank 0 writes.
  public func run(group: ProcessGroup? = nil, writing write: (String) -> Void) throws {
    let (gt, source) = try input.loadGroundTruth(dataset: dataset)
    let videos = try input.splitVideos(gt, split: try dataset.splitNumber(split))
    let detections: [FrameDetection]
    let file: String
    if let runner = try detector.runner(labels: gt.labels, group: group) {
      file = "detector"
      guard let rows = try runner.detections(videos: videos, frameCounts: gt.videos.mapValues(\.frameCount))
      else { return }  // a rank other than 0: its rows went to rank 0
      detections = rows
    } else {
      file = input.detections[0]
      detections = try DetectionsFile.read(path: file)
    }
    let linking = self.linking ?? videoAPProtocol.defaultLinking
    let tubes = linking.tubes(linking: detections, videos: videos, groundTruth: gt)
    if videoAPProtocol == .yowo {
      for pair in YOWOVideoAPEvaluator.crossedVideos(in: videos) {
        TerminalText.warn(
          "warning: as YOWO does, the tubes of \(pair.detections) are scored against the ground truth of "
            + "\(pair.groundTruth) (its two video orders differ)")
      }
    }
    let report = try videoAPProtocol.evaluate(
      groundTruth: gt, videos: videos, tubes: tubes, thresholds: VideoMAPReport.standardThresholds)
    let title =
      "\(dataset.displayName) \(split): ground truth \(source); detections \(file) (\(detections.count) rows); "
      + "\(videos.count) videos\nprotocol: \(videoAPProtocol.rawValue) — \(videoAPProtocol.summary)\n"
      + "linking: \(linking.rawValue) — \(linking.summary)\n"
    write(report.table(title: title))
    if let path = json {
      try OutputFile.write(try report.json(protocol: videoAPProtocol, linking: linking), to: path)
    }
  }
}
