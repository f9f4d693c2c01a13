/// How the region proposal network is trained: anchor matching, sampling, box coding and loss weights.
///
/// Defaults are the TF OD API `faster_rcnn` ones the paper's detector used
/// (../shared/reference/detector_architecture.md §2.2; torchvision's differ where noted):
/// - matching IoU ≥ 0.7 / < 0.3, each ground-truth box's best anchors forced (``BoxMatcher/rpn``);
/// - anchors not entirely inside the image ignored (``borderTolerance`` 0: TF OD API training prunes
///   them with `prune_outside_window`; torchvision keeps every anchor: `nil`);
/// - 256 anchors per image, at most half positive;
/// - regression targets with the (10, 10, 5, 5) coder (TF OD API `FasterRcnnBoxCoder`, and the coder
///   ``RegionProposalNetwork/proposals(_:imageWidth:imageHeight:)`` decodes with; torchvision's RPN
///   uses (1, 1, 1, 1));
/// - objectness: ``ObjectnessLoss/sigmoid`` on the network's one logit per anchor;
/// - localization: smooth-L1 with `beta` 1 (TF's Huber loss, `delta` 1; torchvision uses 1/9) over the
///   4 deltas of every sampled positive anchor;
/// - both terms summed over the sample and divided by the number of sampled anchors (at least 1);
///   weights: objectness 1, localization 2.
public struct RPNTrainingConfiguration: Sendable, Equatable {
  /// How objectness is scored.
  public enum ObjectnessLoss: String, Sendable, Equatable, CaseIterable, Codable {
    /// Binary cross-entropy on one logit per anchor, objectness `[1, A, H, W]` (torchvision; the
    /// project's ``RegionProposalNetwork``). Identical to the 2-class softmax with the background logit
    /// held at 0, since `softmax(0, z)₁ = sigmoid(z)`.
    case sigmoid
    /// Softmax cross-entropy on two logits per anchor, objectness `[1, 2A, H, W]` with channel `2a`
    /// background and `2a + 1` object (TF OD API's `objectness_predictions_with_background`).
    case softmax
  }

  /// Anchor matching.
  public var matcher: BoxMatcher
  /// Anchors sampled per image.
  public var sampler: BalancedSampler
  /// Anchors extending beyond the image by more than this (input pixels) are ignored; `nil` keeps all.
  public var borderTolerance: Float?
  /// Coder of the regression targets.
  public var coder: BoxCoder
  /// Objectness loss.
  public var objectness: ObjectnessLoss
  /// Transition point of the smooth-L1 localization loss (0: plain L1).
  public var smoothL1Beta: Float
  /// Weight of the objectness loss in the total.
  public var objectnessWeight: Float
  /// Weight of the localization loss in the total.
  public var localizationWeight: Float

  /// The TF OD API defaults (see the type's summary).
  public init(
    matcher: BoxMatcher = .rpn,
    sampler: BalancedSampler = BalancedSampler(batchSize: 256, positiveFraction: 0.5),
    borderTolerance: Float? = 0, coder: BoxCoder = .fasterRCNN, objectness: ObjectnessLoss = .sigmoid,
    smoothL1Beta: Float = 1, objectnessWeight: Float = 1, localizationWeight: Float = 2
  ) {
    self.matcher = matcher
    self.sampler = sampler
    self.borderTolerance = borderTolerance
    self.coder = coder
    self.objectness = objectness
    self.smoothL1Beta = smoothL1Beta
    self.objectnessWeight = objectnessWeight
    self.localizationWeight = localizationWeight
  }
}
