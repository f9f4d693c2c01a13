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
  /// Folder of per-video CSVs (`<video id, / as %2F>.csv`), created when missing.
  public var cacheDirectory: String
  /// Every N-th frame is a keyframe.
  public var every = 1
  /// Context trunk mode.
  public var contextMode: ActionDetector.ContextMode = .shared
  /// Whether to draw a progress bar on stderr (by default only when stderr is a terminal).
  public var showProgress = ProgressBar.stderrIsTerminal
  /// Frames the ground truth gives each video; a video that turns out shorter is warned about.
  public var expectedFrames: [String: Int] = [:]
  /// Where warnings go (standard error by default).
  public var warn: (String) -> Void = { TerminalText.warn($0) }

  /// A run reading `framesRoot` and caching into `cacheDirectory`.
  public init(framesRoot: String, cacheDirectory: String) {
    self.framesRoot = framesRoot
    self.cacheDirectory = cacheDirectory
  }

  /// The cache file of `video`.
  public func cacheFile(_ video: String) -> String {
    "\(cacheDirectory)/\(Self.cacheName(video)).csv"
  }

  /// `video` as one file name: `%` → `%25`, then `/` → `%2F` (one-to-one, so two ids never share a
  /// file; JHMDB ids contain `__` themselves).
  public static func cacheName(_ video: String) -> String {
    video.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
  }

  /// Detections of every video (cached ones are read back, the others computed and cached), labels
  /// being the detector's class names and `video` the video id.
  public func detections(videos: [String], detector: ActionDetector) throws -> [FrameDetection] {
    try detections(videos: videos, using: .rgb(detector))
  }

  /// Detections of every video by one detector or a two-stream fusion (cached ones are read back,
  /// the others computed and cached), labels being the class names and `video` the video id.
  public func detections(videos: [String], using detector: SplitDetector) throws -> [FrameDetection] {
    try OutputDirectory.create(cacheDirectory)
    var all: [FrameDetection] = []
    var bar = ProgressBar(title: "videos", total: videos.count, enabled: showProgress)
    for (n, video) in videos.enumerated() {
      let cache = cacheFile(video)
      if FileManager.default.fileExists(atPath: cache) {
        all += try DetectionsFile.read(path: cache)
      } else {
        let rows = try detect(video: video, using: detector)
        try DetectionsFile.write(rows, to: cache)
        all += rows
      }
      bar.update(n + 1)
    }
    return all
  }

  /// Detections of one video (keyframes every ``every`` frames; frame numbers 1-based), streaming:
  /// the loop of `detect` (``StreamingDetector``), with the flow of a two-stream run computed or read
  /// from `<flow root>/<video id>/`.
  func detect(video: String, using detector: SplitDetector) throws -> [FrameDetection] {
    let reader = try VideoReader(path: "\(framesRoot)/\(video)")
    let classes = detector.classes
    var rows: [FrameDetection] = []
    let keyframe = { (keyframe: StreamingDetector.Keyframe) in
      rows += keyframe.detections.map {
        FrameDetection(
          video: video, frame: keyframe.index + 1, label: classes[$0.classIndex], score: $0.score, box: $0.box
        )
      }
    }
    let count: Int
    switch detector {
    case .rgb(let rgb):
      count = try StreamingDetector.run(
        rgb, reader: reader, every: every, contextMode: contextMode, keyframe: keyframe)
    case .twoStream(let fusion, let flowRoot):
      let flow = try flowRoot.map { try FlowFrameSource(folder: "\($0)/\(video)") } ?? FlowFrameSource()
      count = try StreamingDetector.run(
        fusion, flow: flow, reader: reader, every: every, contextMode: contextMode, keyframe: keyframe)
    }
    if let expected = expectedFrames[video], count < expected {
      warn(
        "warning: \(framesRoot)/\(video): \(count) frames, but the ground truth annotates \(expected); "
          + "frames \(count + 1)...\(expected) get no detections (their boxes count as missed)")
    }
    return rows
  }
}

/// What a ``SplitDetection`` runs on each video.
public enum SplitDetector: Sendable {
  /// One RGB detector.
  case rgb(ActionDetector)
  /// The two-stream fusion (``TwoStreamFusion``), as `detect --weights RGB --flow FLOW`; the flow of
  /// a video is read from `<flowRoot>/<video id>/x_00001.jpg` …, or computed with TV-L1 when
  /// `flowRoot` is nil.
  case twoStream(TwoStreamFusion, flowRoot: String?)

  /// The class names of the detections.
  public var classes: [String] {
    switch self {
    case .rgb(let detector): return detector.configuration.classes
    case .twoStream(let fusion, _): return fusion.rgb.configuration.classes
    }
  }
}
