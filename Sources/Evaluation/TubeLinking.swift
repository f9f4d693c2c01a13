import Datasets

/// How per-frame detections become tubes before video-AP.
public enum TubeLinking: String, CaseIterable, Sendable, Codable {
  /// ACT/MOC tube building with 1-frame tubelets (``ACTTubeLinker``, reference parameters).
  case act
  /// YOWO's Viterbi linking of up to 3 whole-video paths per label, then its tube NMS
  /// (``YOWOTubeLinker``, reference parameters).
  case yowo
  /// ROAD's online linking with temporal labelling (``ROADTubeLinker``, reference parameters,
  /// `alpha` 5).
  case road

  /// One line naming the method and its parameters, for reports.
  public var summary: String {
    switch self {
    case .act:
      return "ACT/MOC BuildTubes (MOC-Detector 45c3fd0c) with K=1: per-frame soft NMS 0.6, top 10; "
        + "link IoU >= 0.5 to the best-scoring box; tube score = mean; drop score < 0.005, length < 15"
    case .yowo:
      return "YOWO link_video_one_class (wei-tim/YOWO 9d202c16): empty frames take the nearest frame's "
        + "boxes; Viterbi on IoU + s1 + s2 + 0.5*s1*s2, up to 3 whole-video paths per label; "
        + "tube score = mean; tube NMS 0.3"
    case .road:
      return "ROAD online linking (gurkirt/realtime-action-detection 9dd8e1b5, I01onlineTubes): per frame "
        + "score > 0.001, top 50, NMS 0.45, top 10; paths take the best-scoring box with IoU >= 0.1, end "
        + "after 3 missed frames; Viterbi labelling (alpha 5); tube score = mean of the 40 best; "
        + "length >= 10"
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
    for video in videos {
      out[video] = tubes(
        linking: byVideo[video] ?? [], labels: groundTruth.labels,
        frameCount: groundTruth.videos[video]?.frameCount ?? 0)
    }
    return out
  }

  /// The tubes of one video from its `detections` (1-based frames; rows outside `1...frameCount` or
  /// of labels not in `labels` are ignored), with the reference parameters; a tube's `label`
  /// indexes `labels`.
  ///
  /// `frameSize` (pixels) replaces the 320 × 240 frame that ROAD's clamp assumes (x2 ≤ 319,
  /// y2 ≤ 239) by `0…width × 0…height`, which leaves boxes in continuous pixel coordinates of that
  /// frame (what `detect` writes) as they are; the other linkers do not clamp and ignore it.
  public func tubes(
    linking detections: [FrameDetection], labels: [String], frameCount: Int,
    frameSize: (width: Int, height: Int)? = nil
  ) -> [Tube] {
    switch self {
    case .act:
      return ACTTubeLinker().tubes(linking: detections, labels: labels, frameCount: frameCount)
    case .yowo:
      return YOWOTubeLinker().tubes(linking: detections, labels: labels, frameCount: frameCount)
    case .road:
      var linker = ROADTubeLinker()
      if let frameSize {
        linker.frameRight = Float(frameSize.width)
        linker.frameBottom = Float(frameSize.height)
      }
      return linker.tubes(linking: detections, labels: labels, frameCount: frameCount)
    }
  }
}
