import ArgumentParser
import Flow
import Media
import Tensor

/// Computes TV-L1 optical flow between consecutive frames of a video and stores it as the datasets
/// do: `DIR/x_00001.jpg`, `DIR/y_00001.jpg`, … (8-bit grey, ±20 px mapped to 0…255).
///
/// ```
/// $ flow applyeyemakeup_mpeg4.avi --out flow/eyemakeup
/// flow [##############################] 163/163  21.4 s, ETA 0.0 s
/// 163 frame pairs (320x240) in 21.4 s, 7.6 pairs/s; flow/eyemakeup/x_00001.jpg ... y_00163.jpg
/// $ flow missing.mp4 --out flow/x
/// Error: missing.mp4: file not found
/// ```
public struct FlowCommand: ParsableCommand {
  /// The command's name, abstract and help.
  public static let configuration = CommandConfiguration(
    commandName: "flow",
    abstract: "TV-L1 optical flow of a video, stored as x_NNNNN.jpg / y_NNNNN.jpg per frame pair.",
    discussion: """
      Reads anything FFmpeg opens, or a folder of numbered frames, converts frames to grey \
      (OpenCV's RGB2GRAY) at source size and runs TV-L1 with OpenCV's DualTVL1 defaults on each \
      consecutive pair: pair n (1-based) is the flow from frame n to n+1. Each component is clipped \
      to ±BOUND px and stored as round(255 (v + BOUND) / (2 BOUND)) in an 8-bit grey JPEG (zero \
      motion = 128); read it back with Flow's FlowImageReader (pixels, or [-1, 1] as I3D's input). \
      Each file is written under a temporary name and renamed.
      """)

  /// Video file or frame folder.
  @Argument(help: "Video file or folder of numbered frames.")
  public var video: String

  /// Output folder.
  @Option(name: .customLong("out"), help: "Output folder (created).")
  public var outputDirectory: String

  /// Compute threads.
  @Option(help: "Compute threads.")
  public var threads = 2

  /// Clipping bound in pixels.
  @Option(help: "Clip each flow component to ±BOUND pixels before the 8-bit mapping.")
  public var bound = 20.0

  /// JPEG quantiser scale.
  @Option(help: "JPEG quantiser scale, 1 (best) ... 31.")
  public var quality = 2

  /// Progress bar on or off.
  @Flag(inversion: .prefixedNo, help: "Show a progress line on stderr (default: when it is a terminal).")
  public var progress: Bool?

  /// Creates the command with no arguments (ArgumentParser fills them in).
  public init() {}

  /// Checks the options before anything is read.
  public func validate() throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    guard bound > 0, bound.isFinite else { throw ValidationError("--bound must be positive, got \(bound)") }
    guard (1...31).contains(quality) else {
      throw ValidationError("--quality must be in 1...31, got \(quality)")
    }
  }

  /// Opens the video, makes the folder, and writes every pair's flow.
  public func run() throws {
    Compute.setThreadCount(threads)
    let reader = try VideoReader(path: video)
    try OutputDirectory.create(outputDirectory)
    var extractor = VideoFlowExtractor()
    extractor.quantizer = FlowQuantizer(bound: bound)
    extractor.quality = quality
    var bar = ProgressBar(
      title: "flow", total: reader.frameCount.map { $0 - 1 },
      enabled: progress ?? ProgressBar.stderrIsTerminal)
    let start = ContinuousClock.now
    let pairs = try extractor.extract(from: reader, into: outputDirectory) { bar.update($0) }
    bar.finish(pairs)
    let elapsed = (ContinuousClock.now - start).components
    let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    let last = FlowImageWriter.fileNames(pair: max(pairs, 1)).y
    print(
      "\(pairs) frame pairs (\(reader.width)x\(reader.height)) in \(String(format1: seconds)) s, "
        + "\(String(format1: Double(pairs) / max(seconds, 1e-9))) pairs/s; \(outputDirectory)/x_00001.jpg ... \(last)"
    )
  }
}

extension String {
  /// `value` with one decimal, e.g. `21.4`.
  fileprivate init(format1 value: Double) {
    let tenths = Int((value * 10).rounded())
    self = "\(tenths / 10).\(tenths % 10)"
  }
}
