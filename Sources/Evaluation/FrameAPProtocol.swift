/// A published frame-AP protocol: how detections are ordered, matched to ground truth and turned
/// into an average precision. Each case reproduces one reference implementation
/// (`reference/frame_map_protocols.md` §1).
public enum FrameAPProtocol: String, CaseIterable, Sendable, Codable {
  /// ACT / MOC `frameAP`: +1-pixel IoU, best of the still-unmatched ground truth, trapezoid AP on the
  /// raw precision-recall curve from (recall 0, precision 1), float32 arithmetic, mean over all labels.
  case act
  /// MultiSports / mmaction2 `frameAP`: IoU without +1, VOC duplicate rule, VOC all-point AP,
  /// mean over labels with ground truth.
  case voc
  /// TF Object Detection API Pascal evaluator as copied by PySlowFast (AVA): per-frame matching in
  /// file order, boxes with `x1 >= x2` or `y1 >= y2` dropped, VOC all-point AP, mean over labels with
  /// ground truth.
  case tfod
  /// rafaelpadilla Object-Detection-Metrics as used by YOWO / YOWOv2: only annotated frames count,
  /// +1-pixel IoU after a strict separation test, VOC duplicate rule, VOC all-point AP.
  case yowo

  /// One sentence describing the protocol, for `--help` and reports.
  public var summary: String {
    switch self {
    case .act:
      return "ACT/MOC: +1-pixel IoU, each detection takes the best still-unmatched GT box, trapezoid AP on "
        + "the raw PR curve from (0, 1) in float32, mean over all labels (the default)."
    case .voc:
      return "MultiSports/mmaction2: IoU without +1, a detection whose best GT box is taken is a false "
        + "positive, VOC all-point AP, mean over labels with GT."
    case .tfod:
      return "TF Object Detection API (AVA/PySlowFast): per-frame matching in file order, boxes with "
        + "x1>=x2 or y1>=y2 dropped, VOC all-point AP, mean over labels with GT."
    case .yowo:
      return "Padilla metrics (YOWO/YOWOv2): only frames with at least one GT box count, +1-pixel IoU, "
        + "VOC duplicate rule, VOC all-point AP, mean over labels with GT."
    }
  }

  /// True when the protocol adds one pixel to widths and heights (inclusive pixel convention).
  public var usesInclusivePixels: Bool { self == .act || self == .yowo }
}
