import Networks
import Primitives
import Tensor

/// The whole detector: keyframe trunk (ResNet-50 to `layer3`), context trunk (S3D-G to `Mixed_4e`),
/// ``RegionProposalNetwork``, ``BoxHead`` and ``PostProcessing``.
///
/// Frames go in at source resolution; detections come out in source pixels. Each keyframe `k` sees
/// the clip of frames `k − L/2 … k + L/2 − 1` (L = ``DetectorConfiguration/clipLength``, the keyframe
/// is frame L/2 of its clip), with the first and last frames repeated beyond the video's ends.
public struct ActionDetector: Sendable {
  /// How the context feature of a keyframe is computed.
  public enum ContextMode: String, Sendable, CaseIterable {
    /// S3D-G on the keyframe's own L-frame clip (exact; ~47 GMAC per keyframe).
    case perClip
    /// S3D-G once over the (edge-padded) video, in overlapping segments, and the 5 `Mixed_4e` steps
    /// nearest each keyframe's clip sliced out. Differs from ``perClip`` because the clip's edges see
    /// real neighbouring frames instead of padding, and because the window is aligned to the
    /// trunk's temporal stride 4 (up to 2 frames off for keyframes not on the grid).
    case shared
  }

  /// The context mode detection runs in when `requested`: ``ContextMode/perClip`` whenever sharing
  /// would change what the trunk computes beyond the clip's edges: a static context (the keyframe
  /// repeated is a clip of its own), per-sample trunk statistics (a longer window has other
  /// statistics) or trunks trained on clips (``DetectorConfiguration/trainedOnClips``).
  public func contextMode(requested: ContextMode) -> ContextMode {
    let shares =
      requested == .shared && configuration.contextFrames == .clip
      && configuration.trunkStatistics == .running && !configuration.trainedOnClips
    return shares ? .shared : .perClip
  }

  /// The configuration the detector was built with.
  public let configuration: DetectorConfiguration
  let keyframeTrunk: ResNet50
  let contextTrunk: S3DG
  let keyframeNormalization: InputNormalization
  let contextNormalization: ContextInput
  /// The region proposal network.
  public let rpn: RegionProposalNetwork
  /// The box head.
  public var head: BoxHead

  /// Builds every part from `weights` (prefixes `keyframe.`, `context.`, `rpn.`, `head.`) and proves
  /// that every tensor was used.
  public init(weights: inout WeightStore, configuration: DetectorConfiguration) throws {
    self.configuration = configuration
    let context = try configuration.contextConfiguration()
    keyframeNormalization = try configuration.keyframeInputNormalization()
    contextNormalization = try configuration.contextInput()
    try configuration.validate()
    weights.prefix = "keyframe."
    keyframeTrunk = try ResNet50(
      weights: &weights, first: .stem, final: .layer3, width: configuration.width,
      batchNormStatistics: configuration.trunkStatistics)
    weights.prefix = "context."
    contextTrunk = try S3DG(weights: &weights, configuration: try configuration.contextTrunkConfiguration())
    weights.prefix = "rpn."
    rpn = try RegionProposalNetwork(
      weights: &weights, configuration: configuration.rpn, inputChannels: configuration.keyframeChannels)
    head = try BoxHead(
      weights: &weights, context: context, configuration: configuration.head,
      classes: configuration.classes.count)
    weights.prefix = ""
    try weights.assertAllConsumed()
  }

  /// Keyframe feature `layer3` `[1, 1024, H/16, W/16]` of a raw (0…255) `[1, 3, H, W]` keyframe.
  public func keyframeFeature(_ keyframe: Tensor) -> Tensor {
    keyframeTrunk(keyframeNormalization(keyframe))
  }

  /// Context feature `Mixed_4e` `[1, 528, T/4, H/16, W/16]` of a raw (0…255) `[1, 3, T, H, W]` clip:
  /// RGB frames, or flow frames for a flow detector (``ContextStream``: x, y bytes in channels 0, 1).
  public func contextFeature(_ clip: Tensor) -> Tensor {
    contextTrunk(contextNormalization(clip))
  }

  /// Detections in network-input pixels from a keyframe feature and a context feature.
  public func detect(keyframeFeature: Tensor, mixed4e: Tensor) -> [DetectedAction] {
    let (w, h) = (configuration.inputWidth, configuration.inputHeight)
    let proposals = rpn.proposals(keyframeFeature, imageWidth: w, imageHeight: h).boxes
    let (scores, deltas) = head(mixed4e: mixed4e, proposals: proposals)
    return configuration.postProcessing(
      proposals: proposals, scores: scores, deltas: deltas, coder: .fasterRCNN, width: Float(w),
      height: Float(h))
  }
}
