import ArgumentParser
import Detection
import Tensor

/// Detects actions in a video and writes labelled frames and a detections CSV.
///
/// ```
/// $ detect applyeyemakeup_mpeg4.avi --out out/ --weights detector.safetensors --tail shared
/// detect [##############################] 164/164  61.1 s, ETA 0.0 s
/// 164 frames, 164 keyframes, 16400 detections, 62.62 s, 2.62 frames/s (weights loaded in 0.12 s)
/// $ detect clip.mp4 --out out/
/// Error: detect: no detector weights. Pass --weights FILE: ...
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
      """)

  /// Video file or frame folder.
  @Argument(help: "Video file or folder of numbered frames.")
  public var video: String

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

  /// Frame limit.
  @Option(help: "Read only the first N frames.")
  public var maxFrames: Int?

  /// Creates the command with no arguments (ArgumentParser fills them in).
  public init() {}

  /// Checks option ranges.
  public func validate() throws {
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
    for (name, value) in [
      ("--max-detections", maxDetections), ("--top-k-labels", topKLabels), ("--proposals", proposals),
      ("--max-frames", maxFrames),
    ] {
      if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
    }
  }

  /// Runs the detector and prints the summary line.
  public func run() throws {
    var job = DetectRun(video: video, outputDirectory: outputDirectory)
    job.weights = weights
    job.randomInit = randomInit
    job.scoreThreshold = scoreThreshold
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
    if weights == nil, !randomInit, job.defaultModel != nil { print("weights: \(job.modelDescription)") }
    print(try job.run().line)
  }
}
