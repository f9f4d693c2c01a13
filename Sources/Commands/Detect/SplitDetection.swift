import Datasets
import Detection
import Foundation
import Media
import Primitives

/// Runs a detector over a split's test videos read from a frames root (JHMDB's
/// `Frames/<class>/<video>/%05d.png`, or any `<root>/<video id>` that `VideoReader` opens) and keeps
/// one detections CSV per video in a cache folder, so that a killed run resumes where it stopped.
public struct SplitDetection {
  /// Root holding one frame folder (or video file) per video id.
  public var framesRoot: String
  /// Folder of per-video CSVs (`<video id with / as __>.csv`), created when missing.
  public var cacheDirectory: String
  /// Every N-th frame is a keyframe.
  public var every = 1
  /// Context trunk mode.
  public var contextMode: ActionDetector.ContextMode = .shared
  /// Whether to draw a progress bar on stderr (by default only when stderr is a terminal).
  public var showProgress = ProgressBar.stderrIsTerminal

  /// A run reading `framesRoot` and caching into `cacheDirectory`.
  public init(framesRoot: String, cacheDirectory: String) {
    self.framesRoot = framesRoot
    self.cacheDirectory = cacheDirectory
  }

  /// The cache file of `video`.
  public func cacheFile(_ video: String) -> String {
    "\(cacheDirectory)/\(video.replacingOccurrences(of: "/", with: "__")).csv"
  }

  /// Detections of every video (cached ones are read back, the others computed and cached), labels
  /// being the detector's class names and `video` the video id.
  public func detections(videos: [String], detector: ActionDetector) throws -> [FrameDetection] {
    try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
    var all: [FrameDetection] = []
    var bar = ProgressBar(title: "videos", total: videos.count, enabled: showProgress)
    for (n, video) in videos.enumerated() {
      let cache = cacheFile(video)
      if FileManager.default.fileExists(atPath: cache) {
        all += try DetectionsFile.read(path: cache)
      } else {
        let rows = try detect(video: video, detector: detector)
        try DetectionsFile.write(rows, to: cache)
        all += rows
      }
      bar.update(n + 1)
    }
    return all
  }

  /// Detections of one video (keyframes every ``every`` frames; frame numbers 1-based).
  func detect(video: String, detector: ActionDetector) throws -> [FrameDetection] {
    let reader = try VideoReader(path: "\(framesRoot)/\(video)")
    var frames: [RGBImage] = []
    while let frame = try reader.nextFrame() { frames.append(frame) }
    guard !frames.isEmpty else { throw DetectCommandError.emptyVideo(path: "\(framesRoot)/\(video)") }
    let resized = detector.resized(frames)
    let shared = contextMode == .shared ? SharedContext(detector: detector, resizedFrames: resized) : nil
    var rows: [FrameDetection] = []
    for k in stride(from: 0, to: frames.count, by: max(every, 1)) {
      let found = detector.detect(
        keyframe: k, resizedFrames: resized, sourceWidth: reader.width, sourceHeight: reader.height,
        mixed4e: shared?.window(keyframe: k))
      rows += found.map {
        FrameDetection(
          video: video, frame: k + 1, label: detector.configuration.classes[$0.classIndex], score: $0.score,
          box: $0.box)
      }
    }
    return rows
  }
}
