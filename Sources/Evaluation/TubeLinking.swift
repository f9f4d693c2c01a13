import Datasets

/// How per-frame detections become tubes before video-AP.
public enum TubeLinking: String, CaseIterable, Sendable, Codable {
  /// ACT/MOC tube building with 1-frame tubelets (``ACTTubeLinker``, reference parameters).
  case act

  /// One line naming the method and its parameters, for reports.
  public var summary: String {
    switch self {
    case .act:
      return "ACT/MOC BuildTubes (MOC-Detector 45c3fd0c) with K=1: per-frame soft NMS 0.6, top 10; "
        + "link IoU >= 0.5 to the best-scoring box; tube score = mean; drop score < 0.005, length < 15"
    }
  }

  /// The tubes of every video of `videos` from `detections` (rows of any video; others ignored).
  public func tubes(
    linking detections: [FrameDetection], videos: [String], groundTruth: GroundTruth
  ) -> [String: [Tube]] {
    var byVideo: [String: [FrameDetection]] = [:]
    let wanted = Set(videos)
    for d in detections where wanted.contains(d.video) { byVideo[d.video, default: []].append(d) }
    var out: [String: [Tube]] = [:]
    switch self {
    case .act:
      let linker = ACTTubeLinker()
      for video in videos {
        let frameCount = groundTruth.videos[video]?.frameCount ?? 0
        out[video] = linker.tubes(
          linking: byVideo[video] ?? [], labels: groundTruth.labels, frameCount: frameCount)
      }
    }
    return out
  }
}
