import Primitives

/// How the second stage (box head) is trained: ROI matching, sampling, box coding and loss weights.
///
/// Defaults are the TF OD API `faster_rcnn` ones (../shared/reference/detector_architecture.md §2.2),
/// torchvision's differences noted:
/// - matching IoU ≥ 0.5 foreground, background in `[0, 0.5)`, nothing forced (``BoxMatcher/head``;
///   Detectron's 0.1 lower bound is `backgroundLowerBound`);
/// - ground-truth boxes appended to the proposals (torchvision `add_gt_proposals`; TF OD API samples
///   from the proposals only: set ``appendGroundTruth`` false), so that early in training, when the
///   RPN proposes little, every image still has foreground ROIs;
/// - 64 ROIs per image, at most 25 % foreground (torchvision: 512);
/// - class-specific regression targets with the (10, 10, 5, 5) coder (both libraries);
/// - classification: ``HeadConfiguration/Scoring/softmax`` cross-entropy over `classes + 1` logits
///   (label 0 background), or ``HeadConfiguration/Scoring/sigmoid`` binary cross-entropy over `classes`
///   logits with multi-hot targets summed over classes (TF OD API `WeightedSigmoidClassificationLoss`,
///   the AVA configuration);
/// - localization: smooth-L1 with `beta` 1 (TF Huber `delta` 1; torchvision 1/9) on the deltas of the
///   foreground ROI's class;
/// - optionally (``groundTruthJitter``, off by default as in both libraries) jittered copies of each
///   ground-truth box join the proposals, so that the head sees foreground ROIs of every actor while a
///   young RPN proposes few (as action detectors trained on ground-truth boxes do);
/// - both terms summed over the ROIs and divided by the number of sampled ROIs (at least 1);
///   weights: classification 1, localization 2.
public struct HeadTrainingConfiguration: Sendable, Equatable {
  /// ROI matching.
  public var matcher: BoxMatcher
  /// ROIs sampled per image.
  public var sampler: BalancedSampler
  /// Whether the ground-truth boxes join the proposals before matching and sampling.
  public var appendGroundTruth: Bool
  /// Coder of the regression targets.
  public var coder: BoxCoder
  /// Classification loss (and classifier layout): softmax with background, or multi-label sigmoid.
  public var scoring: HeadConfiguration.Scoring
  /// Transition point of the smooth-L1 localization loss (0: plain L1).
  public var smoothL1Beta: Float
  /// Weight of the classification loss in the total.
  public var classificationWeight: Float
  /// Weight of the localization loss in the total.
  public var localizationWeight: Float
  /// Jittered copies of each ground-truth box added to the proposals (0: none).
  public var groundTruthJitter = 0
  /// Largest shift of each edge of a jittered copy, as a fraction of the box's width or height
  /// (0.1 keeps the copies' IoU with their box above about 0.67).
  public var jitterFraction: Float = 0.1

  /// The TF OD API defaults, with ground truth appended (see the type's summary).
  public init(
    matcher: BoxMatcher = .head,
    sampler: BalancedSampler = BalancedSampler(batchSize: 64, positiveFraction: 0.25),
    appendGroundTruth: Bool = true, coder: BoxCoder = .fasterRCNN,
    scoring: HeadConfiguration.Scoring = .softmax,
    smoothL1Beta: Float = 1, classificationWeight: Float = 1, localizationWeight: Float = 2
  ) {
    self.matcher = matcher
    self.sampler = sampler
    self.appendGroundTruth = appendGroundTruth
    self.coder = coder
    self.scoring = scoring
    self.smoothL1Beta = smoothL1Beta
    self.classificationWeight = classificationWeight
    self.localizationWeight = localizationWeight
  }

  /// ``groundTruthJitter`` copies of each box of `truth`, each edge moved by a uniform fraction in
  /// `±jitterFraction` of the box's size (drawn from `order`: x1, y1, x2, y2 per copy, boxes in order),
  /// clipped to the `width × height` input; copies narrower than 1 pixel are dropped.
  public func jitteredGroundTruth(_ truth: [Box], width: Float, height: Float, order: inout SampleOrder)
    -> [Box]
  {
    var copies: [Box] = []
    for box in truth {
      let (w, h) = (box.x2 - box.x1, box.y2 - box.y1)
      for _ in 0..<groundTruthJitter {
        let shift: [Float] = (0..<4).map { _ in (2 * order.unit() - 1) * jitterFraction }
        let x1: Float = min(max(box.x1 + shift[0] * w, 0), width)
        let y1: Float = min(max(box.y1 + shift[1] * h, 0), height)
        let x2: Float = min(max(box.x2 + shift[2] * w, 0), width)
        let y2: Float = min(max(box.y2 + shift[3] * h, 0), height)
        let copy = Box(x1: x1, y1: y1, x2: x2, y2: y2)
        if copy.x2 - copy.x1 >= 1 && copy.y2 - copy.y1 >= 1 { copies.append(copy) }
      }
    }
    return copies
  }
}
