import Datasets

/// Which reference's video-AP scores the tubes.
public enum VideoAPProtocol: String, CaseIterable, Sendable, Codable {
  /// MOC-Detector's (ACT's) `videoAP`: ``VideoAPEvaluator``.
  case act
  /// YOWO's `evaluate_videoAP` with `bTemporal=True`: ``YOWOVideoAPEvaluator``.
  case yowo
  /// ROAD's `get_PR_curve` (Singh et al., ICCV 2017): ``ROADVideoAPEvaluator``.
  case road

  /// The linking the reference itself uses before its video-AP.
  public var defaultLinking: TubeLinking {
    switch self {
    case .act: return .act
    case .yowo: return .yowo
    case .road: return .road
    }
  }

  /// One line naming the reference and what it does, for reports.
  public var summary: String {
    switch self {
    case .act:
      return "MOC-Detector videoAP (45c3fd0c, ACT's): tube NMS 0.3 per video and label; ST-IoU = "
        + "temporal IoU x mean per-frame IoU (+1 pixel); trapezoid AP on the raw PR curve; "
        + "mean over all labels; ties in numpy <= 1.24 argsort order"
    case .yowo:
      return "YOWO video_ap_one_class (wei-tim/YOWO 9d202c16, bTemporal): ST-IoU = mean per-frame "
        + "IoU (+1 pixel) x temporal IoU, 0 when tubes share <= 1 frame; recall tp/(npos + 1e-5); "
        + "VOC all-point AP; mean over all labels; ties in numpy <= 1.24 argsort order"
    case .road:
      return "ROAD get_PR_curve (gurkirt/realtime-action-detection 9dd8e1b5): no tube NMS; ST-IoU = "
        + "temporal IoU x mean per-frame IoU, 0 when tubes share <= 1 frame, detections shifted 2 px "
        + "and 1 px larger as ROAD does; match if IoU > threshold; VOC all-point AP; mean over all "
        + "labels; ties in stable (MATLAB) order"
    }
  }

  /// The report of `tubes` (by video id) on `videos` of `groundTruth` at each of `thresholds`.
  ///
  /// - Throws: ``VideoAPError`` when a video is missing from the ground truth or a ground-truth
  ///   tube has a gap.
  public func evaluate(
    groundTruth: GroundTruth, videos: [String], tubes: [String: [Tube]], thresholds: [Double]
  ) throws -> VideoMAPReport {
    switch self {
    case .act:
      return try VideoAPEvaluator(groundTruth: groundTruth, videos: videos, tubes: tubes)
        .evaluate(thresholds: thresholds)
    case .yowo:
      return try YOWOVideoAPEvaluator(groundTruth: groundTruth, videos: videos, tubes: tubes)
        .evaluate(thresholds: thresholds)
    case .road:
      return try ROADVideoAPEvaluator(groundTruth: groundTruth, videos: videos, tubes: tubes)
        .evaluate(thresholds: thresholds)
    }
  }
}
