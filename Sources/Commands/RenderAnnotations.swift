import ArgumentParser
import Datasets
import Evaluation
import Foundation

/// Draws a video's ground truth (and optionally detections) on its frames for review.
///
/// ```
/// $ render-annotations ucf24_v_SalsaSpin_g03_c01.mp4 --gt pyannot.pkl \
///     --video-id SalsaSpin/v_SalsaSpin_g03_c01 --out review/
/// review/: 92 frames, 92 ground-truth boxes, 0 detections (1.2 s)
/// ```
public struct RenderAnnotations: ParsableCommand {
  /// The command's name, abstract, help and examples.
  public static let configuration = CommandConfiguration(
    commandName: "render-annotations",
    abstract: "Draw ground-truth boxes (and detections) onto every frame of a video, one PNG per frame.",
    discussion: """
      Decodes VIDEO (any file FFmpeg reads, or a folder of numbered PNG/JPEG frames) and writes \
      OUT/00001.png, OUT/00002.png, ... (1-based, as the datasets number frames).

      Ground truth (--gt) is an ACT-format pickle (JHMDB-GT.pkl, UCF101v2-GT.pkl) or the \
      corrected UCF-101-24 pyannot.pkl; the format is recognised from the content. Boxes are \
      scaled from the annotation's resolution to the video's. --video-id names the video inside \
      the file (class/video, e.g. SalsaSpin/v_SalsaSpin_g03_c01); without it, the video whose \
      name ends the file name is used when there is exactly one.

      With --detections (a CSV: video,frame,label,score,x1,y1,x2,y2, frame 1-based), detections \
      of the video are drawn too, coloured by outcome at --iou: green true positive, red false \
      positive, yellow missed ground truth; found ground truth is a thin cyan outline. A legend \
      in the top-right corner names the colours. With --tubes the detections are first linked into \
      tubes as eval-videomap links them (--linking act, the default: ACT/MOC, tubes under 15 frames \
      dropped; yowo; road), and each tube's boxes are drawn labelled "#<id> <label> <tube score>" \
      (ids per video, best tube first, as detect --tubes numbers them); without --gt each tube has \
      its own colour.

      Examples:
        render-annotations ucf24_v_SalsaSpin_g03_c01.mp4 \\
          --gt annotations/ucf24/pyannot.pkl \\
          --video-id SalsaSpin/v_SalsaSpin_g03_c01 --out review/
        render-annotations Frames/clap/some_video \\
          --gt annotations/jhmdb/JHMDB-GT.pkl --video-id clap/some_video \\
          --detections detections.csv --out review/
      """)

  /// Video file or frame folder.
  @Argument(help: "Video file, or a folder of numbered frames.")
  public var video: String

  /// Ground-truth pickle.
  @Option(help: "Ground truth: JHMDB-GT.pkl / UCF101v2-GT.pkl (ACT format) or pyannot.pkl.")
  public var gt: String?

  /// The video's id in the ground truth.
  @Option(help: "The video's id in the ground truth, e.g. SalsaSpin/v_SalsaSpin_g03_c01.")
  public var videoId: String?

  /// Output folder.
  @Option(help: "Folder for the PNG files (created if missing).")
  public var out: String

  /// Detections CSV.
  @Option(help: "Detections CSV to draw and compare with the ground truth.")
  public var detections: String?

  /// Tube drawing.
  @Flag(help: "Link the detections into tubes (as eval-videomap) and draw each tube with its id.")
  public var tubes = false

  /// Linking method of `--tubes`; `nil` means act.
  @Option(help: "How --tubes links the detections: act (default), yowo or road (as eval-videomap --linking).")
  public var linking: TubeLinking?

  /// IoU for a detection to count as finding a ground-truth box.
  @Option(help: "IoU at which a detection finds a ground-truth box.")
  public var iou: Float = 0.5

  /// Minimum detection score drawn.
  @Option(help: "Draw only detections scoring at least this.")
  public var scoreThreshold: Float = 0

  /// Outline thickness.
  @Option(help: "Box outline thickness in pixels.")
  public var thickness: Int = 2

  /// Creates the command with no arguments (ArgumentParser fills them in).
  public init() {}

  /// Checks option values before any file is opened.
  public func validate() throws {
    if tubes, detections == nil { throw ValidationError("--tubes needs --detections FILE.csv.") }
    if linking != nil, !tubes { throw ValidationError("--linking needs --tubes.") }
    guard gt != nil || detections != nil else {
      throw ValidationError("Nothing to draw: give --gt FILE, --detections FILE.csv, or both.")
    }
    guard iou > 0, iou <= 1 else { throw ValidationError("--iou must be in (0, 1], got \(iou).") }
    guard (1...20).contains(thickness) else {
      throw ValidationError("--thickness must be 1...20 pixels, got \(thickness).")
    }
  }

  /// Loads the inputs, renders every frame, and prints a one-line summary.
  public func run() throws {
    let started = Date()
    // Checked first: a missing video would otherwise surface as "cannot tell which video".
    guard FileManager.default.fileExists(atPath: video) else {
      throw ValidationError("\(video): no such file or folder.")
    }
    var renderer = AnnotationRenderer(videoPath: video, outputDirectory: out)
    renderer.iouThreshold = iou
    renderer.thickness = thickness
    var id = videoId
    if let gt {
      let truth = try GroundTruth(contentsOf: gt)
      let resolved = try ReviewInputs.videoID(given: videoId, videoPath: video, in: truth, gtPath: gt)
      id = resolved
      renderer.groundTruth = (truth.labels, truth.videos[resolved]!)
    }
    if let detections {
      guard let id else {
        throw ValidationError("--detections needs --video-id (or --gt to find the video's id).")
      }
      let rows = try DetectionsFile.read(path: detections)
      renderer.detections =
        tubes
        ? ReviewInputs.tubeDetections(
          of: id, in: rows, linking: linking ?? .act, labels: renderer.groundTruth?.labels,
          frameCount: renderer.groundTruth?.video.frameCount,
          minimumScore: scoreThreshold)
        : ReviewInputs.detections(of: id, in: rows, minimumScore: scoreThreshold)
      renderer.tubes = tubes
    }
    var bar = ProgressBar(title: "render-annotations", total: nil)
    let summary = try renderer.run { bar.update($0) }
    bar.finish(summary.frames)
    let seconds = Date().timeIntervalSince(started)
    print(
      "\(out): \(summary.frames) frames, \(summary.groundTruthBoxes) ground-truth boxes, "
        + "\(summary.detectionBoxes) detections (\(String(format: "%.1f", seconds)) s)")
  }
}
