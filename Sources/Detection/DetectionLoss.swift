import Primitives
import Tensor

/// The losses of one detector stage for one image: the two terms, their weighted total, and the
/// gradient of the total with respect to the network outputs they consume.
public struct StageLoss: Sendable {
  /// Classification term (RPN objectness, or head classification), normalised, unweighted.
  public var classification: Float
  /// Localization term (smooth-L1 on box deltas), normalised, unweighted.
  public var localization: Float
  /// `classificationWeight · classification + localizationWeight · localization`.
  public var total: Float
  /// `∂ total / ∂ logits`, the layout of the logits given (RPN objectness map or head class logits).
  public var classificationGradient: Tensor
  /// `∂ total / ∂ deltas`, the layout of the deltas given (RPN delta map or head class-specific deltas).
  public var localizationGradient: Tensor
}

/// Faster R-CNN training losses with their gradients (TF OD API `_loss_rpn` and
/// `_loss_box_classifier`, torchvision `RegionProposalNetwork.compute_loss` and `fastrcnn_loss`).
///
/// Both stages normalise each term by the number of sampled elements (anchors or ROIs, at least 1)
/// after summing it over them; ignored and unsampled anchors get exactly zero gradient.
public enum DetectionLoss {
  /// RPN losses of the outputs of ``RegionProposalNetwork/callAsFunction(_:)`` against `targets`.
  ///
  /// `objectness` is `[1, A, H, W]` (``RPNTrainingConfiguration/ObjectnessLoss/sigmoid``) or
  /// `[1, 2A, H, W]` (``RPNTrainingConfiguration/ObjectnessLoss/softmax``, channel `2a` background,
  /// `2a + 1` object); `deltas` is `[1, 4A, H, W]`, channel `4a + d`; anchor `(i · W + j) · A + a` is
  /// read at row `i`, column `j`. Objectness: every sampled anchor (label 1 foreground, 0 background);
  /// localization: the 4 deltas of every sampled foreground anchor.
  public static func rpn(
    objectness: Tensor, deltas: Tensor, targets: AnchorTargets,
    configuration: RPNTrainingConfiguration = RPNTrainingConfiguration()
  ) -> StageLoss {
    precondition(
      deltas.rank == 4 && deltas.shape[0] == 1, "DetectionLoss.rpn: deltas \(deltas.shape), [1, 4A, H, W]")
    let (a, h, w) = (deltas.shape[1] / 4, deltas.shape[2], deltas.shape[3])
    let perAnchor = configuration.objectness == .sigmoid ? 1 : 2
    precondition(
      deltas.shape[1] == 4 * a && objectness.shape == [1, perAnchor * a, h, w],
      "DetectionLoss.rpn: objectness \(objectness.shape) and deltas \(deltas.shape) for \(configuration.objectness)"
    )
    precondition(
      targets.matches.count == a * h * w,
      "DetectionLoss.rpn: \(targets.matches.count) anchors for \(a)×\(h)×\(w)")
    let plane = h * w
    // Element offset of channel `c` of anchor `index` in a [1, c·A, H, W] map.
    let offset: (Int, Int, Int) -> Int = { index, c, channels in
      (channels * (index % a) + c) * plane + index / a
    }
    let sampled = targets.positives + targets.negatives
    let normaliser = Float(max(sampled.count, 1))

    var objectnessGradient = Tensor(shape: objectness.shape)
    let o = objectness.scalars
    let classification: Float
    switch configuration.objectness {
    case .sigmoid:
      let logits = Tensor(shape: [sampled.count], scalars: sampled.map { o[offset($0, 0, 1)] })
      let labels = Tensor(
        shape: [sampled.count], scalars: sampled.indices.map { $0 < targets.positives.count ? 1 : 0 })
      let (value, g) = Loss.sigmoidCrossEntropy(logits: logits, targets: labels, reduction: .sum)
      classification = value / normaliser
      let scale = configuration.objectnessWeight / normaliser
      let gs = g.scalars
      objectnessGradient.withUnsafeMutableBufferPointer { out in
        for (k, index) in sampled.enumerated() { out[offset(index, 0, 1)] = scale * gs[k] }
      }
    case .softmax:
      let logits = Tensor(
        shape: [sampled.count, 2], scalars: sampled.flatMap { [o[offset($0, 0, 2)], o[offset($0, 1, 2)]] })
      let labels = sampled.indices.map { $0 < targets.positives.count ? 1 : 0 }
      let (value, g) = Loss.softmaxCrossEntropy(logits: logits, labels: labels, reduction: .sum)
      classification = value / normaliser
      let scale = configuration.objectnessWeight / normaliser
      let gs = g.scalars
      objectnessGradient.withUnsafeMutableBufferPointer { out in
        for (k, index) in sampled.enumerated() {
          out[offset(index, 0, 2)] = scale * gs[2 * k]
          out[offset(index, 1, 2)] = scale * gs[2 * k + 1]
        }
      }
    }

    let d = deltas.scalars
    let positives = targets.positives
    let prediction = Tensor(
      shape: [positives.count, 4], scalars: positives.flatMap { i in (0..<4).map { d[offset(i, $0, 4)] } })
    let target = Tensor(
      shape: [positives.count, 4],
      scalars: positives.flatMap { i in (0..<4).map { targets.regressionTargets[i][$0] } })
    let (locValue, locGradient) = Loss.smoothL1(
      prediction: prediction, target: target, beta: configuration.smoothL1Beta, reduction: .sum)
    var deltasGradient = Tensor(shape: deltas.shape)
    let scale = configuration.localizationWeight / normaliser
    let lg = locGradient.scalars
    deltasGradient.withUnsafeMutableBufferPointer { out in
      for (k, index) in positives.enumerated() {
        for c in 0..<4 { out[offset(index, c, 4)] = scale * lg[4 * k + c] }
      }
    }
    let localization = locValue / normaliser
    return StageLoss(
      classification: classification, localization: localization,
      total: configuration.objectnessWeight * classification + configuration.localizationWeight
        * localization,
      classificationGradient: objectnessGradient, localizationGradient: deltasGradient)
  }

  /// Anchor targets (matching, sampling with `order`, encoding) and the RPN losses in one call;
  /// `anchors` are ``AnchorGenerator/anchors(featureHeight:featureWidth:)`` of the map's H × W, in an
  /// image of `imageWidth` × `imageHeight` input pixels.
  public static func rpn(
    objectness: Tensor, deltas: Tensor, anchors: [Box], groundTruth: [Box], imageWidth: Float,
    imageHeight: Float, configuration: RPNTrainingConfiguration = RPNTrainingConfiguration(),
    order: inout SampleOrder
  ) -> (loss: StageLoss, targets: AnchorTargets) {
    let targets = AnchorTargets(
      anchors: anchors, groundTruth: groundTruth, imageWidth: imageWidth, imageHeight: imageHeight,
      configuration: configuration, order: &order)
    return (
      rpn(objectness: objectness, deltas: deltas, targets: targets, configuration: configuration), targets
    )
  }
}
