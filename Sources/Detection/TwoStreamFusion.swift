import Primitives
import Tensor

/// I3D's late fusion for the detector: the RGB detector and a flow detector
/// (``DetectorConfiguration/contextStream`` `.flow`) score the same boxes, and each box's class
/// scores are the average of the two streams' scores (or their weighted mean, ``flowWeight``).
///
/// Which boxes: the RGB detector's RPN proposals on the RGB keyframe. The RGB head and the flow
/// head (each on its own stream's `Mixed_4e`) score every proposal; the scores are averaged per
/// proposal and class; the RGB head's class-specific deltas refine the boxes; then the usual
/// ``PostProcessing`` (threshold, per-class NMS, caps) of the RGB detector runs on the fused
/// scores. Fusing before post-processing is what I3D's averaging of the two streams' outputs means
/// for a detector: each stream's opinion of the same ROI is averaged before any decision is taken
/// on it, so a box that only the flow stream finds convincing can survive the threshold and NMS
/// (fusing after post-processing would score only the boxes the RGB scores alone kept). It is
/// also the simplest: one proposal set, one set of deltas, one post-processing. The output boxes
/// are the RGB stream's; the flow detector's keyframe trunk, RPN and box deltas are not used.
///
/// ```swift
/// let fusion = try TwoStreamFusion(rgb: rgbDetector, flow: flowDetector)
/// let found = fusion.detect(keyframeFeature: key, rgbMixed4e: rgbContext, flowMixed4e: flowContext)
/// ```
public struct TwoStreamFusion: Sendable {
  /// The RGB detector: keyframe trunk, RPN, RGB head, post-processing.
  public let rgb: ActionDetector
  /// The flow detector: only its context trunk and head are used.
  public let flow: ActionDetector
  /// The flow stream's share of each fused score, in 0...1: `(1 − w) · rgb + w · flow`. 0.5 (the
  /// default) is I3D's average; 1 scores the RGB detector's boxes by the flow stream alone, 0 by the
  /// RGB stream alone.
  public let flowWeight: Float

  /// Whether `weight` is a valid ``flowWeight``: finite and in 0...1.
  public static func isValidFlowWeight(_ weight: Float) -> Bool {
    weight.isFinite && (0...1).contains(weight)
  }

  /// A fusion of `rgb` and `flow`, the flow stream weighing `flowWeight` of each score.
  ///
  /// - Throws: ``DetectorError/badConfiguration(_:)`` unless `rgb` is an RGB detector and `flow` a
  ///   flow detector with the same classes (in order), input size and clip length, and `flowWeight`
  ///   is in 0...1.
  public init(rgb: ActionDetector, flow: ActionDetector, flowWeight: Float = 0.5) throws {
    let (a, b) = (rgb.configuration, flow.configuration)
    func check(_ ok: Bool, _ what: String) throws {
      if !ok { throw DetectorError.badConfiguration("two-stream detection: \(what)") }
    }
    try check(a.contextStream == .rgb, "the --weights detector's context stream is flow, expected rgb")
    try check(b.contextStream == .flow, "the flow detector's context stream is rgb, expected flow")
    try check(
      a.classes == b.classes,
      "the two detectors' classes differ (\(a.classes.count) RGB, \(b.classes.count) flow; same names in order expected)"
    )
    try check(
      a.inputHeight == b.inputHeight && a.inputWidth == b.inputWidth,
      "input \(a.inputHeight)x\(a.inputWidth) (RGB) and \(b.inputHeight)x\(b.inputWidth) (flow) differ")
    try check(
      a.clipLength == b.clipLength, "clip length \(a.clipLength) (RGB) and \(b.clipLength) (flow) differ")
    try check(Self.isValidFlowWeight(flowWeight), "the flow weight must be in 0...1, got \(flowWeight)")
    self.rgb = rgb
    self.flow = flow
    self.flowWeight = flowWeight
  }

  /// Class scores `[R][classes]` of the two heads on `proposals`, fused: `(1 − w) · rgb + w · flow`
  /// with `w` the ``flowWeight`` (at 0.5 exactly `(rgb + flow) / 2`: halving is exact in binary).
  public func fusedScores(rgbMixed4e: Tensor, flowMixed4e: Tensor, proposals: [Box]) -> (
    scores: [[Float]], deltas: [[SIMD4<Float>]]
  ) {
    let (rgbScores, deltas) = rgb.head(mixed4e: rgbMixed4e, proposals: proposals)
    let (flowScores, _) = flow.head(mixed4e: flowMixed4e, proposals: proposals)
    let (w, v) = (flowWeight, 1 - flowWeight)
    let fused = zip(rgbScores, flowScores).map { a, b in zip(a, b).map { v * $0 + w * $1 } }
    return (fused, deltas)
  }

  /// Detections in network-input pixels from the RGB keyframe feature and both streams' context
  /// features (`Mixed_4e`).
  public func detect(keyframeFeature: Tensor, rgbMixed4e: Tensor, flowMixed4e: Tensor) -> [DetectedAction] {
    let c = rgb.configuration
    let proposals = rgb.rpn.proposals(keyframeFeature, imageWidth: c.inputWidth, imageHeight: c.inputHeight)
      .boxes
    let (scores, deltas) = fusedScores(rgbMixed4e: rgbMixed4e, flowMixed4e: flowMixed4e, proposals: proposals)
    return c.postProcessing(
      proposals: proposals, scores: scores, deltas: deltas, coder: .fasterRCNN, width: Float(c.inputWidth),
      height: Float(c.inputHeight))
  }

  /// Detections in source pixels of one RGB keyframe already resized to the input, given both
  /// streams' context features; the source frame is `sourceWidth` × `sourceHeight`.
  public func detect(
    resizedKeyframe: RGBImage, rgbMixed4e: Tensor, flowMixed4e: Tensor, sourceWidth: Int, sourceHeight: Int
  ) -> [DetectedAction] {
    let key = rgb.keyframeFeature(FrameResizer.tensor([resizedKeyframe], video: false))
    let found = detect(keyframeFeature: key, rgbMixed4e: rgbMixed4e, flowMixed4e: flowMixed4e)
    return rgb.toSource(found, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
  }
}
