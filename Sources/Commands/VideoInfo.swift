import ArgumentParser
import Media

/// Prints what the detector will see of a video: size, frame rate, and frame count.
///
/// ```
/// $ video-info ucf24_v_Biking_g01_c01.mp4 --count
/// ucf24_v_Biking_g01_c01.mp4: 340x256, 29.970 fps, container frames: not stated, decoded frames: 151
/// $ video-info arm_wrestling_h264.mp4 --decode
/// arm_wrestling_h264.mp4: 340x256, 28.000 fps, container frames: 280, RGB frames: 280
/// $ video-info missing.mp4
/// Error: missing.mp4: file not found
/// ```
public struct VideoInfo: ParsableCommand {
  /// The command's name, abstract and help.
  public static let configuration = CommandConfiguration(
    commandName: "video-info",
    abstract: "Print a video's (or frame folder's) size, frame rate and frame count.",
    discussion: """
      Reads anything FFmpeg opens, or a folder of numbered PNG/JPEG frames (img_00001.jpg, ...).
      Exits with status 1 and a one-line error when the input is missing, empty, or damaged.
      """)

  /// Video files or frame folders to describe.
  @Argument(help: "Video files or folders of numbered frames.")
  public var paths: [String]

  /// Whether to decode every frame to count them exactly.
  @Flag(help: "Decode every frame and print the exact frame count.")
  public var count = false

  /// Whether to convert every frame to RGB, as the detector reads them.
  @Flag(help: "Read every frame as RGB (as `detect` does) and print how many there were.")
  public var decode = false

  /// Creates the command with no arguments (ArgumentParser fills them in).
  public init() {}

  /// Describes each path in turn; stops at the first one that fails.
  public func run() throws {
    for path in paths {
      let reader = try VideoReader(path: path)
      var line = "\(path): \(reader.width)x\(reader.height)"
      line += ", " + String(format3: reader.frameRate) + " fps"
      line += ", container frames: " + (reader.frameCount.map(String.init) ?? "not stated")
      if count {
        line += ", decoded frames: \(try reader.countFrames())"
      }
      if decode {
        var frames = 0
        try reader.forEachFrame { _, _ in frames += 1 }
        line += ", RGB frames: \(frames)"
      }
      print(line)
    }
  }
}

extension String {
  /// `value` with three decimals, e.g. `29.970`, without Foundation.
  fileprivate init(format3 value: Double) {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(thousandths % 1000)
    self = "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
  }
}
