import Networks
import Primitives
import Tensor

/// The box head that can learn (the trainable twin of ``BoxHead``, same tensors): the S3D-G tail
/// (`Mixed_4f`, the `MaxPool_5a` of ``BoxHead/tail(_:)``, `Mixed_5b`, `Mixed_5c`) on ROI tubes
/// (per-ROI tail) or on the whole map (shared tail), mean over T, H, W, then `classifier` and
/// `boxes`.
///
/// The ROI boxes are constants (Faster R-CNN): the backward gives dL/d`Mixed_4e` through the tail
/// and the 3-D ROI crop. Keeps the map the crop read, the boxes, and what its layers keep.
public final class TrainableBoxHead {
  /// `Mixed_4f`.
  public let mixed4f: TrainableS3DG
  /// `Mixed_5b`, `Mixed_5c`.
  public let mixed5: TrainableS3DG
  /// `head.classifier` (`[classes + 1, F]` softmax or `[classes, F]` sigmoid).
  public let classifier: TrainableLinear
  /// `head.boxes` (`[4 · classes, F]`).
  public let boxes: TrainableLinear
  /// Tail, crop and scoring.
  public let configuration: HeadConfiguration
  private let tfSame: Bool
  private var saved: (map: Tensor, boxes: [Box], pooledShape: [Int], pool: MaxPool, poolInput: Tensor)?

  /// Loads the tail under `tailPrefix` (`"context."`) and the layers under `headPrefix` (`"head."`).
  public init(
    weights: inout WeightStore, tailPrefix: String = "context.", headPrefix: String = "head.",
    context: S3DGConfiguration, configuration: HeadConfiguration, classes: Int
  ) throws {
    self.configuration = configuration
    let saved = weights.prefix
    defer { weights.prefix = saved }
    weights.prefix = tailPrefix
    mixed4f = try TrainableS3DG(weights: &weights, configuration: context.stages(.mixed_4f, .mixed_4f))
    mixed5 = try TrainableS3DG(weights: &weights, configuration: context.stages(.mixed_5b, .mixed_5c))
    mixed4f.stages.computesInputGradient = true
    mixed5.stages.computesInputGradient = true
    tfSame = context.padding == .tfSame
    weights.prefix = headPrefix
    let features = context.width.channels(1024)
    classifier = try TrainableLinear(
      weights: &weights, key: "classifier", input: features,
      output: configuration.classifierRows(classes: classes))
    boxes = try TrainableLinear(weights: &weights, key: "boxes", input: features, output: 4 * classes)
  }

  /// Every parameter (tail, classifier, boxes).
  public var parameters: [Parameter] {
    mixed4f.stages.parameters + mixed5.stages.parameters + classifier.parameters + boxes.parameters
  }
  /// The tail's batch norms.
  public var batchNorms: [TrainableBatchNorm] { mixed4f.stages.batchNorms + mixed5.stages.batchNorms }

  /// Class logits and class-specific box deltas of `rois` (input pixels) on `Mixed_4e` `[1, C, T, H, W]`.
  public func forward(mixed4e: Tensor, rois: [Box]) -> (classLogits: Tensor, boxDeltas: Tensor) {
    let features: Tensor
    switch configuration.tail {
    case .perROI:
      let t = tail(configuration.crop(mixed4e, boxes: rois))
      saved = (mixed4e, rois, t.output.shape, t.pool, t.poolInput)
      features = t.output.globalMean()
    case .shared:
      let t = tail(mixed4e)
      saved = (t.output, rois, [], t.pool, t.poolInput)
      features = configuration.crop.mean(t.output, boxes: rois)
    }
    return (classifier.forward(features), boxes.forward(features))
  }

  /// Runs the tail on `x`, returning its output and the pool between `Mixed_4f` and `Mixed_5b` with its input.
  private func tail(_ x: Tensor) -> (output: Tensor, pool: MaxPool, poolInput: Tensor) {
    let y = mixed4f.stages.forward(x)
    let kt = y.shape[2] >= 2 ? 2 : 1
    let pool = MaxPool(kernel: [kt, 2, 2], stride: [kt, 2, 2], padding: tfSame ? .same : .valid)
    return (mixed5.stages.forward(pool(y)), pool, y)
  }

  /// Back-propagates the losses' gradients; returns dL/d`Mixed_4e`.
  public func backward(classLogits dLogits: Tensor, boxDeltas dDeltas: Tensor) -> Tensor {
    guard let saved else { preconditionFailure("TrainableBoxHead: backward without forward") }
    self.saved = nil
    var dFeatures = classifier.backward(dLogits)
    dFeatures += boxes.backward(dDeltas)
    let crop = configuration.crop
    switch configuration.tail {
    case .perROI:
      let dPooled = Tensor.globalMeanBackward(outputGradient: dFeatures, inputShape: saved.pooledShape)
      let dTubes = tailBackward(dPooled, pool: saved.pool, poolInput: saved.poolInput)
      return crop.backward(features: saved.map, boxes: saved.boxes, outputGradient: dTubes)
    case .shared:
      // crop.mean = mean over T, s, s of the crop: spread evenly, then through the crop.
      let slices = crop.temporalMode == .keep ? saved.map.shape[2] : 1
      let shape = [saved.boxes.count, saved.map.shape[1], slices, crop.outputSize, crop.outputSize]
      let dCrops = Tensor.globalMeanBackward(outputGradient: dFeatures, inputShape: shape)
      let dMap = crop.backward(features: saved.map, boxes: saved.boxes, outputGradient: dCrops)
      return tailBackward(dMap, pool: saved.pool, poolInput: saved.poolInput)
    }
  }

  private func tailBackward(_ dy: Tensor, pool: MaxPool, poolInput: Tensor) -> Tensor {
    let dPooled = mixed5.stages.backward(dy, inputGradient: true)!
    let d4f = pool.backward(input: poolInput, outputGradient: dPooled)
    return mixed4f.stages.backward(d4f, inputGradient: true)!
  }

  /// Drops the kept tensors.
  public func forgetActivations() {
    saved = nil
    mixed4f.stages.forgetActivations()
    mixed5.stages.forgetActivations()
  }
}
