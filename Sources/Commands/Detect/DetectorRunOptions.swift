import ArgumentParser
import Datasets
import Detection
import Distributed
import Foundation
import Tensor

/// `eval-framemap` options that run the detector over the split's test videos instead of reading
/// a detections file.
public struct DetectorRunOptions: ParsableArguments {
  /// Detector checkpoint.
  @Option(
    name: .customLong("detector"),
    help: ArgumentHelp(
      "Run this detector checkpoint over the split's test videos (`default`: the shipped default model).",
      valueName: "file"))
  public var checkpoint: String?

  /// Flow detector checkpoint of a two-stream run.
  @Option(
    name: .customLong("flow-detector"),
    help: ArgumentHelp(
      "Two streams: this flow detector scores the --detector's boxes, class scores averaged (as `detect --flow`; "
        + "`default`: the shipped flow stream).",
      valueName: "file"))
  public var flowCheckpoint: String?

  /// Stored flow root of a two-stream run.
  @Option(
    help: ArgumentHelp(
      "Stored flow of the test videos: <root>/<video id>/x_00001.jpg … (default: TV-L1 computed from the frames).",
      valueName: "dir"))
  public var flowRoot: String?

  /// The flow stream's share of the fused scores.
  @Option(
    help: ArgumentHelp(
      "With --flow-detector: the flow stream's share w of the scores, (1 − w)·RGB + w·flow (0.5: the average).",
      valueName: "w"))
  public var flowWeight: Float = 0.5

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

  /// How the context trunk sees each keyframe's clip.
  @Option(
    name: .customLong("detector-context"),
    help: ArgumentHelp(
      "shared: the context trunk runs once over each video, edge-padded, and each keyframe takes its "
        + "slice; perClip: it runs on each keyframe's own clip, as `train` builds it (as `detect --context`; "
        + "a detector with per-sample statistics always runs perClip).",
      valueName: "mode"))
  public var context = "shared"

  /// Compute threads.
  @Option(name: .customLong("detector-threads"), help: "Compute threads of the detector.")
  public var threads = 2

  /// GEMM precision of the detector.
  @Option(help: ComputePrecision.help)
  public var precision = ComputePrecision.fp32

  /// Score threshold override.
  @Option(
    name: .customLong("detector-score-threshold"),
    help: "Minimum class score of the detections kept (default: the checkpoint's, 0.05).")
  public var scoreThreshold: Float?

  /// Creates the options with their defaults.
  public init() {}

  /// Whether the detector mode was asked for.
  public var isEnabled: Bool { checkpoint != nil }

  /// The context mode asked for (validated in ``validate()``).
  var contextMode: ActionDetector.ContextMode { ActionDetector.ContextMode(rawValue: context) ?? .shared }
}

extension DetectorRunOptions {
  /// `value` of `option`, with `default` naming the shipped checkpoint `name` (``DefaultDetector``);
  /// a clear error when that file is missing (a source tree without it, a moved executable).
  static func resolve(
    _ value: String, shipped name: String, option: String,
    locate: (String) -> String? = DefaultDetector.path(of:)
  ) throws -> String {
    guard let path = DefaultDetector.resolve(value, shipped: name, locate: locate) else {
      throw EvalFrameMAPError(
        "\(option) default: the shipped \(name) is neither beside this executable nor in the source tree; "
          + "pass \(option) FILE")
    }
    return path
  }

  /// Name of the file in the cache folder that records which run made its detections.
  static let runRecordName = "detector-run.txt"

  /// Checks option ranges.
  public func validate() throws {
    guard every >= 1 else { throw ValidationError("--detector-every must be at least 1, got \(every)") }
    guard threads >= 1 else { throw ValidationError("--detector-threads must be at least 1, got \(threads)") }
    guard ActionDetector.ContextMode(rawValue: context) != nil else {
      throw ValidationError("--detector-context must be 'shared' or 'perClip', got '\(context)'")
    }
    if checkpoint == nil, framesRoot != nil || cache != nil {
      throw ValidationError("--frames-root and --cache need --detector FILE")
    }
    if checkpoint == nil, flowCheckpoint != nil {
      throw ValidationError(
        "--flow-detector FLOW needs --detector RGB (the flow detector scores the RGB detector's boxes)")
    }
    if flowCheckpoint == nil, flowRoot != nil {
      throw ValidationError("--flow-root needs --flow-detector FILE (it is the flow detector's input)")
    }
    try TwoStreamFusion.validateFlowWeight(
      flowWeight, flowOption: "--flow-detector", given: flowCheckpoint != nil)
    if checkpoint == nil, context != "shared" {
      throw ValidationError("--detector-context needs --detector FILE (it is how the detector runs)")
    }
    if checkpoint == nil, precision != .fp32 {
      throw ValidationError("--precision needs --detector FILE (it is the detector's GEMM precision)")
    }
  }

  /// The detector loaded once, with its per-video cache.
  struct Runner {
    /// The loaded detector, or the two-stream fusion.
    var detector: SplitDetector
    /// The split run over the frames root and cache.
    var split: SplitDetection

    /// The ranks of an `mpirun` job sharing the videos (nil: this process runs them all).
    var group: ProcessGroup?

    /// The detections of `videos` (cached per video); `frameCounts` are the ground truth's, for the
    /// warning about videos with fewer frames.
    ///
    /// In an `mpirun` job rank `r` of `n` runs the videos `r, r + n, r + 2n, …` of the list and rank 0
    /// gathers every rank's rows, in the order one process gives them (videos in list order); the
    /// other ranks get nil.
    func detections(videos: [String], frameCounts: [String: Int] = [:]) throws -> [FrameDetection]? {
      var split = split
      split.expectedFrames = frameCounts
      guard let group, group.size > 1 else { return try split.detections(videos: videos, using: detector) }
      if !group.isLeader { split.showProgress = false }
      let mine = videos.indices.filter { $0 % group.size == group.rank }.map { videos[$0] }
      let rows = try split.detections(videos: mine, using: detector)
      let parts = try group.gather(try DetectionsFile.encode(rows), root: 0)
      guard group.isLeader else { return nil }
      var byVideo: [String: [FrameDetection]] = [:]
      for (rank, bytes) in parts.enumerated() {
        for row in try DetectionsFile.parse(bytes, path: "rank \(rank)'s detections") {
          byVideo[row.video, default: []].append(row)
        }
      }
      return videos.flatMap { byVideo[$0] ?? [] }
    }
  }

  /// Loads the checkpoint, and the flow checkpoint of a two-stream run (the classes must be among
  /// the ground truth's `labels`), and prepares the cache folder, which must be empty or hold
  /// detections of these same checkpoints and stride; in an `mpirun` job (`group`) rank 0 prepares
  /// it before the others check it.
  func runner(labels: [String], group: ProcessGroup? = nil) throws -> Runner? {
    guard let checkpointOption = checkpoint, let framesRoot else { return nil }
    let checkpoint = try Self.resolve(
      checkpointOption, shipped: DefaultDetector.fileName, option: "--detector")
    let flowCheckpoint = try flowCheckpoint.map {
      try Self.resolve($0, shipped: DefaultDetector.flowFileName, option: "--flow-detector")
    }
    Compute.setThreadCount(threads)
    try Compute.setPrecision(precision)
    if group?.isLeader ?? true { precision.noteWhenSlowerThanFP32() }
    let (rgb, provenance) = try DetectorCheckpoint.load(path: checkpoint, scoreThreshold: scoreThreshold)
    guard rgb.configuration.contextStream == .rgb else {
      throw DetectorError.badCheckpoint(
        path: checkpoint,
        detail: "--detector needs an RGB detector, this one's context stream is flow: "
          + "pass it as --flow-detector FLOW.safetensors beside an RGB --detector (alone: not supported)")
    }
    let detector: SplitDetector
    var flow: (path: String, provenance: String)?
    var note = DetectorCheckpoint.isTrained(provenance: provenance) ? nil : provenance
    if let flowCheckpoint {
      let loaded: (fusion: TwoStreamFusion, provenance: String, flowProvenance: String)
      do {
        loaded = try TwoStreamFusion.load(
          rgb: rgb, rgbProvenance: provenance, flowPath: flowCheckpoint, option: "--flow-detector",
          flowWeight: flowWeight)
      } catch DetectorError.badConfiguration(let detail) {
        throw EvalFrameMAPError("\(checkpoint) and \(flowCheckpoint): \(detail)")
      }
      detector = .twoStream(loaded.fusion, flowRoot: flowRoot)
      flow = (flowCheckpoint, loaded.flowProvenance)
      note = DetectorCheckpoint.isTrained(provenance: loaded.provenance) ? nil : loaded.provenance
    } else {
      detector = .rgb(rgb)
    }
    if let note {
      TerminalText.warn("note: detector weights \(note): NOT a trained detector")
    }
    let classes = detector.classes
    let known = Set(labels)
    let unknown = classes.filter { !known.contains($0) }
    if unknown.count == classes.count {
      throw EvalFrameMAPError(
        "\(checkpoint): none of the detector's \(classes.count) classes (\(classes.prefix(3).joined(separator: ", "))…) "
          + "is a label of the ground truth (\(labels.prefix(3).joined(separator: ", "))…)")
    }
    if !unknown.isEmpty {
      TerminalText.warn("warning: \(checkpoint): classes not in the ground truth, never matched: \(unknown)")
    }
    let directory = cache ?? "\(framesRoot)/../detections-cache"
    let record = try Self.runRecord(
      checkpoint: checkpoint, provenance: provenance, every: every,
      scoreThreshold: rgb.configuration.postProcessing.scoreThreshold, precision: precision,
      contextMode: contextMode,
      flow: flow.map { (checkpoint: $0.path, provenance: $0.provenance, root: flowRoot, weight: flowWeight) })
    if group?.isLeader ?? true { try Self.claim(cache: directory, record: record) }
    if let group {
      try group.barrier()
      if !group.isLeader { try Self.claim(cache: directory, record: record) }
    }
    var split = SplitDetection(framesRoot: framesRoot, cacheDirectory: directory)
    split.every = every
    split.contextMode = contextMode
    return Runner(detector: detector, split: split, group: group)
  }

  /// What identifies the detections of a run: the checkpoint file (size, modification time,
  /// provenance), the keyframe stride, the score threshold, for bf16 the GEMM precision (an fp32
  /// record has no precision line, as before the option existed), for per-clip context its mode (a
  /// shared-context record has no context line, as before the option existed) and, for a two-stream run, the flow
  /// checkpoint file, whether the flow is stored or computed and, unless 0.5, the flow weight (an
  /// RGB-only record has no flow lines, so neither run ever reads the other's cache). The path lines (`checkpoint:`, `flow
  /// checkpoint:`) and the flow root's path are informative only.
  static func runRecord(
    checkpoint: String, provenance: String, every: Int, scoreThreshold: Float,
    precision: ComputePrecision = .fp32, contextMode: ActionDetector.ContextMode = .shared,
    flow: (checkpoint: String, provenance: String, root: String?, weight: Float)? = nil
  ) throws -> String {
    var record = """
      checkpoint: \(checkpoint)
      \(fileIdentity(checkpoint, prefix: "checkpoint"))
      weights: \(provenance)
      every: \(every)
      score threshold: \(scoreThreshold)
      \(precision == .fp32 ? "" : "precision: \(precision)\n")\(contextMode == .shared ? "" : "context: \(contextMode.rawValue)\n")
      """
    if let flow {
      record += """
        flow checkpoint: \(flow.checkpoint)
        \(fileIdentity(flow.checkpoint, prefix: "flow checkpoint"))
        flow weights: \(flow.provenance)
        flow: \(flow.root.map { "stored (--flow-root); flow root: \($0)" } ?? "TV-L1 computed from the frames")
        \(flow.weight == 0.5 ? "" : "flow weight: \(flow.weight)\n")
        """
    }
    return record
  }

  /// The `<prefix> bytes:` and `<prefix> modified:` lines of the file at `path` (-1 when unreadable).
  private static func fileIdentity(_ path: String, prefix: String) -> String {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let size = attributes?[.size] as? Int ?? -1
    let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
    return "\(prefix) bytes: \(size)\n\(prefix) modified: \(modified)"
  }

  /// A run record without its informative parts: the path lines and the flow root's path.
  static func identity(_ record: String) -> String {
    let informative = ["checkpoint: ", "flow checkpoint: "]
    return record.split(separator: "\n")
      .filter { line in !informative.contains { line.hasPrefix($0) } }
      .map { line in line.range(of: "; flow root: ").map { line[..<$0.lowerBound] } ?? line }
      .joined(separator: "\n")
  }

  /// Makes `cache` ready for this run: creates it with its run record, or checks that the record
  /// it holds is this run's (their ``identity(_:)``); a folder of CSVs without a record is refused.
  static func claim(cache: String, record: String) throws {
    let path = "\(cache)/\(runRecordName)"
    if let data = FileManager.default.contents(atPath: path) {
      let existing = String(decoding: data, as: UTF8.self)
      guard identity(existing) == identity(record) else {
        throw EvalFrameMAPError(
          "\(cache): the cache holds detections of another checkpoint, --detector-every or --detector-score-threshold "
            + "(or --precision, --flow-detector, --flow-root; see \(runRecordName)); delete it or pass another --cache DIR"
        )
      }
      return
    }
    let present = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
    if present.contains(where: { $0.hasSuffix(".csv") }) {
      throw EvalFrameMAPError(
        "\(cache): the cache holds detections but no \(runRecordName) saying which checkpoint made them; "
          + "delete it or pass another --cache DIR")
    }
    do {
      try OutputDirectory.create(cache)
    } catch {
      throw EvalFrameMAPError("\(cache): cannot create the cache folder (\(error.reason))")
    }
    try OutputFile.write(Data(record.utf8), to: path)
  }
}
