import ArgumentParser
import Detection
import Distributed
import Evaluation
import Foundation
import Tensor

/// Detects actions in a video and writes labelled frames and a detections CSV.
///
/// ```
/// $ detect applyeyemakeup_mpeg4.avi --out out/ --weights detector.safetensors --tail shared
/// detect [##############################] 164/164  61.1 s, ETA 0.0 s
/// 164 frames, 164 keyframes, 16400 detections, 62.62 s, 2.62 frames/s (weights loaded in 0.12 s)
/// $ detect eval/demo/synthetic-demo.mp4 --out frames/
/// weights: the default model (…/default-detector.safetensors): synthetic figures only
/// 207 frames, 207 keyframes, … detections, …
/// ```
public struct Detect: ParsableCommand {
  /// The command's name, abstract and help.
  public static let configuration = CommandConfiguration(
    commandName: "detect",
    abstract: "Detect actions in a video: one labelled PNG per frame and detections.csv.",
    discussion: """
      Reads anything FFmpeg opens, or a folder of numbered frames. Writes DIR/00001.png ... (each frame \
      with the boxes of its keyframe), DIR/detections.csv (video,frame,label,score,x1,y1,x2,y2; frame \
      1-based, boxes in source pixels, keyframes only) and DIR/weights.txt (where the weights came from). \
      Frames are decoded, detected and written as a stream: memory does not grow with the video's length.

      --tubes links each video's detections into action tubes (--linking act, the default: ACT/MOC, as \
      eval-videomap; yowo; road), writes DIR/tubes.csv (video,tube,label,score,frame,x1,y1,x2,y2: one row \
      per tube and frame, tube ids 1, 2, ... by descending tube score, the tube's score) and draws each \
      frame with the tubes crossing it, captioned "#<id> <label> <score>", one colour per tube. With \
      --every N each keyframe's boxes count for the N frames that show them. The frames are then drawn \
      after the whole video is detected (decoded a second time).

      Two streams: --flow FILE adds a flow detector (context stream flow, e.g. from `train --stream flow`). \
      The video's TV-L1 flow is computed as it is decoded (or read from --flow-root, as `flow` stores it); \
      frame i uses the flow from frame i to i+1, the last frame the last pair. The flow detector's context \
      trunk and head score the --weights detector's RPN proposals; each proposal's class scores are the \
      average of the two heads' (I3D late fusion), its box the RGB head's; then the usual thresholds and NMS.

      Several videos: each goes to DIR/<its name without extension>/. Under `mpirun -np N` the videos are \
      shared between the ranks (rank r takes videos r, r+N, ...); rank 0 prints every video's line.
      """)

  /// Video files or frame folders.
  @Argument(help: "Video file or folder of numbered frames; several go to one subfolder of --out each.")
  public var videos: [String]

  /// Output folder.
  @Option(name: .customLong("out"), help: "Output folder (created).")
  public var outputDirectory: String

  /// Detector checkpoint.
  @Option(
    help: """
      Detector checkpoint (safetensors with keyframe./context./rpn./head. tensors). Default: the model \
      that ships with the project, trained on synthetic figures only.
      """)
  public var weights: String?

  /// Seeded untrained weights.
  @Flag(help: "Use seeded untrained weights (timing and plumbing only; every output says so).")
  public var randomInit = false

  /// Score threshold override.
  @Option(help: "Minimum class score (default: the checkpoint's, 0.05).")
  public var scoreThreshold: Float?

  /// Drawing threshold.
  @Option(
    help: """
      Draw only detections scoring at least this on the PNGs (default \(DetectRun.defaultDrawThreshold) for \
      trained weights; untrained weights draw every detection). detections.csv keeps every detection.
      """)
  public var drawThreshold: Float?

  /// Keyframe stride.
  @Option(help: "Detect on every N-th frame (other frames show their keyframe's boxes).")
  public var every = 1

  /// Maximum detections per keyframe.
  @Option(help: "Maximum detections per keyframe (default: the checkpoint's, 100).")
  public var maxDetections: Int?

  /// Keep the best K classes per keyframe.
  @Option(help: "Keep only the detections of the K best-scoring classes of each keyframe.")
  public var topKLabels: Int?

  /// Compute threads.
  @Option(help: "Compute threads.")
  public var threads = 2

  /// GEMM precision.
  @Option(help: ComputePrecision.help)
  public var precision = ComputePrecision.fp32

  /// Context mode.
  @Option(
    help:
      "Context trunk: 'shared' (once per video, fast) or 'perClip' (exact, one 20-frame clip per keyframe).")
  public var context = "shared"

  /// Head variant.
  @Option(
    help: "Head tail: 'perROI' (the paper's) or 'shared' (tail once on the whole map; faster, differs).")
  public var tail: String?

  /// ROI time axis.
  @Option(help: "ROI time axis: 'keep' (the paper's) or 'average' (average over time first).")
  public var roiTime: String?

  /// Proposals.
  @Option(help: "Proposals per keyframe (default: the checkpoint's, 300).")
  public var proposals: Int?

  /// Tube linking.
  @Flag(
    help: """
      Link the detections into tubes: tubes.csv, frames with tube ids. Off by default: ids and tube \
      scores need the whole video, so the frames are written only at the end (decoding it twice), and \
      the linkers drop short tracks (act: under 15 frames).
      """)
  public var tubes = false

  /// Linking method of `--tubes`; `nil` means act.
  @Option(help: "How --tubes links: act (default; ACT/MOC), yowo or road, as eval-videomap --linking.")
  public var linking: TubeLinking?

  /// Frame limit.
  @Option(help: "Read only the first N frames.")
  public var maxFrames: Int?

  /// Flow detector of a two-stream run.
  @Option(
    help: ArgumentHelp(
      """
      Two-stream detection: a flow detector checkpoint (context stream flow), or 'default' for the \
      shipped flow stream (beside the default model). Its context trunk and head score the --weights \
      detector's proposals on the video's optical flow; each box's class scores are the average of the \
      two streams' (I3D late fusion); boxes are the RGB stream's.
      """, valueName: "file|default"))
  public var flow: String?

  /// Stored flow.
  @Option(
    help: ArgumentHelp(
      """
      With --flow: stored flow (`flow VIDEO --out DIR`: DIR/x_00001.jpg …, or DIR/<video name>/x_00001.jpg \
      …) instead of computing TV-L1 from the frames.
      """, valueName: "dir"))
  public var flowRoot: String?

  /// The flow stream's share of the fused scores.
  @Option(
    help: ArgumentHelp(
      """
      With --flow: the flow stream's share w of each box's class scores, (1 − w)·RGB + w·flow; 0.5 is \
      the average, 1 the flow stream alone (on the RGB stream's boxes).
      """, valueName: "w"))
  public var flowWeight: Float = 0.5

  /// Creates the command with no arguments (ArgumentParser fills them in).
  public init() {}

  /// Checks option ranges.
  public func validate() throws {
    guard !videos.isEmpty else { throw ValidationError("give a video file or frame folder") }
    let names = videos.map(Self.outputName)
    if let twice = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
      throw ValidationError(
        "two videos would both write to \(outputDirectory)/\(twice): give them different names")
    }
    if linking != nil, !tubes { throw ValidationError("--linking needs --tubes") }
    if flowRoot != nil, flow == nil { throw ValidationError("--flow-root needs --flow FILE") }
    try TwoStreamFusion.validateFlowWeight(flowWeight, flowOption: "--flow", given: flow != nil)
    guard every >= 1 else { throw ValidationError("--every must be at least 1, got \(every)") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    guard ActionDetector.ContextMode(rawValue: context) != nil else {
      throw ValidationError("--context must be 'shared' or 'perClip', got '\(context)'")
    }
    if let tail, HeadConfiguration.Tail(rawValue: tail) == nil {
      throw ValidationError("--tail must be 'perROI' or 'shared', got '\(tail)'")
    }
    if let roiTime, ROICrop3D.TemporalMode(rawValue: roiTime) == nil {
      throw ValidationError("--roi-time must be 'keep' or 'average', got '\(roiTime)'")
    }
    if let drawThreshold, !(0...1).contains(drawThreshold) {
      throw ValidationError("--draw-threshold must be between 0 and 1, got \(drawThreshold)")
    }
    for (name, value) in [
      ("--max-detections", maxDetections), ("--top-k-labels", topKLabels), ("--proposals", proposals),
      ("--max-frames", maxFrames),
    ] {
      if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
    }
  }

  /// The subfolder of a video when several are given: its file or folder name without extension.
  static func outputName(_ video: String) -> String {
    let last = URL(fileURLWithPath: video).lastPathComponent
    let stem = URL(fileURLWithPath: last).deletingPathExtension().lastPathComponent
    return stem.isEmpty ? last : stem
  }

  /// The run of one video, from the options.
  func job(video: String, outputDirectory: String) -> DetectRun {
    var job = DetectRun(video: video, outputDirectory: outputDirectory)
    job.weights = weights
    job.randomInit = randomInit
    job.scoreThreshold = scoreThreshold
    job.drawThreshold = drawThreshold
    job.every = every
    job.maxDetections = maxDetections
    job.topKLabels = topKLabels
    job.threads = threads
    job.precision = precision
    job.contextMode = ActionDetector.ContextMode(rawValue: context) ?? .shared
    job.tail = tail.flatMap { HeadConfiguration.Tail(rawValue: $0) }
    job.temporalMode = roiTime.flatMap { ROICrop3D.TemporalMode(rawValue: $0) }
    job.proposals = proposals
    job.maxFrames = maxFrames
    job.tubes = tubes ? linking ?? .act : nil
    job.flowWeights = flow
    job.flowRoot = flowRoot
    job.flowWeight = flowWeight
    return job
  }

  /// Runs the detector on every video and prints one summary line per video; under `mpirun`, as one
  /// rank sharing the videos (a rank that fails ends the job with one line naming it).
  public func run() throws {
    let group = videos.count > 1 ? try ProcessGroup.joinIfLaunched() : nil
    do {
      try run(group: group)
    } catch {
      guard let group, group.size > 1 else { throw error }
      group.abort("detect", failedWith: error)
    }
  }

  private func run(group: ProcessGroup?) throws {
    let first = job(video: videos[0], outputDirectory: outputDirectory)
    let leader = group?.isLeader ?? true
    if leader, weights == nil, !randomInit, first.defaultModel != nil {
      print("weights: \(first.modelDescription)")
    }
    if leader, first.asksForDefaultFlow, let description = first.flowDescription {
      print("flow: \(description)")
    }
    // Once per command, not per video or rank (a CPU without bf16 prints nothing: the run refuses).
    if leader { precision.noteWhenSlowerThanFP32() }
    guard videos.count > 1 else {
      print(try first.run().line)
      return
    }
    let (rank, size) = (group?.rank ?? 0, group?.size ?? 1)
    var lines: [String] = []
    for (i, video) in videos.enumerated() where i % size == rank {
      var run = job(video: video, outputDirectory: "\(outputDirectory)/\(Self.outputName(video))")
      run.showProgress = run.showProgress && size == 1
      let line = "\(outputDirectory)/\(Self.outputName(video)): \(try run.run().line)"
      if group == nil { print(line) } else { lines.append("\(i)\t\(line)") }
    }
    guard let group else { return }
    let parts = try group.gather(Array(lines.joined(separator: "\n").utf8), root: 0)
    guard group.isLeader else { return }
    let all = parts.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n") }
      .compactMap { line -> (Int, Substring)? in
        guard let tab = line.firstIndex(of: "\t"), let i = Int(line[..<tab]) else { return nil }
        return (i, line[line.index(after: tab)...])
      }
    for (_, line) in all.sorted(by: { $0.0 < $1.0 }) { print(line) }
  }
}
