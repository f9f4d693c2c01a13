import Primitives

/// The RPN's training targets for one image: the match of every anchor, the sampled anchors, and the
/// regression target of every foreground anchor (see ``RPNTrainingConfiguration``).
///
/// Anchors are those of ``AnchorGenerator/anchors(featureHeight:featureWidth:)``, index
/// `(i · W + j) · A + a`.
public struct AnchorTargets: Sendable {
  /// Match of every anchor (``BoxMatch/ignored`` for anchors crossing the border when they are pruned).
  public var matches: [BoxMatch]
  /// Sampled foreground anchors, increasing.
  public var positives: [Int]
  /// Sampled background anchors, increasing.
  public var negatives: [Int]
  /// Deltas `(dx, dy, dw, dh)` from each anchor to its matched ground-truth box; zero unless foreground.
  public var regressionTargets: [SIMD4<Float>]

  /// Matches `anchors` to `groundTruth` in an image of `imageWidth` × `imageHeight` input pixels,
  /// samples a minibatch with `order`, and encodes the foreground anchors' targets.
  public init(
    anchors: [Box], groundTruth: [Box], imageWidth: Float, imageHeight: Float,
    configuration: RPNTrainingConfiguration = RPNTrainingConfiguration(), order: inout SampleOrder
  ) {
    var eligible: [Bool]?
    if let t = configuration.borderTolerance {
      eligible = anchors.map { a in
        a.x1 >= -t && a.y1 >= -t && a.x2 <= imageWidth + t && a.y2 <= imageHeight + t
      }
    }
    matches = configuration.matcher.match(anchors, to: groundTruth, eligible: eligible)
    var candidates: (positive: [Int], negative: [Int]) = ([], [])
    regressionTargets = [SIMD4<Float>](repeating: .zero, count: anchors.count)
    for (index, match) in matches.enumerated() {
      switch match {
      case .foreground(let g):
        candidates.positive.append(index)
        regressionTargets[index] = configuration.coder.encode(groundTruth[g], anchor: anchors[index])
      case .background: candidates.negative.append(index)
      case .ignored: break
      }
    }
    (positives, negatives) = configuration.sampler.sample(
      positives: candidates.positive, negatives: candidates.negative, order: &order)
  }

  /// Number of sampled anchors, the loss normaliser (at least 1 when used as one).
  public var sampleCount: Int { positives.count + negatives.count }
}
