import Tensor

/// S3D-G's logits that can learn: average pool `(2, 7, 7)` stride 1 with the kernel clipped to the
/// input, `classifier.1` 1×1×1 conv with bias, mean over T, H, W → `[n, classes]` (as ``S3DG``).
/// Keeps the pool's input shape and output.
public final class TrainableS3DGLogits: TrainableModule {
  /// `classifier.1.weight` `[classes, c, 1, 1, 1]`.
  public let weight: Parameter
  /// `classifier.1.bias` `[classes]`.
  public let bias: Parameter
  private var saved: (inputShape: [Int], pool: AvgPool, pooled: Tensor, scores: [Int])?

  /// Loads `classifier.1.*` for `channels` input channels.
  public init(weights: inout WeightStore, channels: Int, classes: Int) throws {
    weight = Parameter(
      name: "classifier.1.weight",
      value: try weights.tensor("classifier.1.weight", shape: [classes, channels, 1, 1, 1]))
    bias = Parameter(
      name: "classifier.1.bias", value: try weights.tensor("classifier.1.bias", shape: [classes]))
  }

  /// Weight and bias.
  public var parameters: [Parameter] { [weight, bias] }
  /// None.
  public var batchNorms: [TrainableBatchNorm] { [] }
  /// Drops the kept tensors.
  public func forgetActivations() { saved = nil }

  /// `[n, c, t, h, w]` → `[n, classes]`.
  public func forward(_ x: Tensor) -> Tensor {
    let kernel = zip([2, 7, 7], x.shape.suffix(3)).map { min($0, $1) }
    let pool = AvgPool(kernel: kernel, stride: [1, 1, 1])
    let pooled = pool(x)
    let scores = Convolution(weight: weight.value, bias: bias.value)(pooled)
    saved = (x.shape, pool, pooled, scores.shape)
    return scores.globalMean()
  }

  /// Back-propagates dL/d(logits) `[n, classes]`.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    guard let saved else { preconditionFailure("TrainableS3DGLogits: backward without forward") }
    self.saved = nil
    let dScores = Tensor.globalMeanBackward(outputGradient: dy, inputShape: saved.scores)
    let g = Convolution(weight: weight.value, bias: bias.value)
      .backward(input: saved.pooled, outputGradient: dScores, inputGradient: inputGradient)
    weight.accumulate(g.weight)
    if let db = g.bias { bias.accumulate(db) }
    return g.input.map { saved.pool.backward(inputShape: saved.inputShape, outputGradient: $0) }
  }
}

/// ResNet's logits that can learn: global average pool then `fc` (`[classes, c]`, bias). Keeps the
/// input shape (the layer keeps the pooled features).
public final class TrainableResNetLogits: TrainableModule {
  /// `fc` (`fc.weight` `[classes, c]`, `fc.bias` `[classes]`).
  public let fc: TrainableLinear
  private var inputShape: [Int]?

  /// Loads `fc.*` for `channels` input channels.
  public init(weights: inout WeightStore, channels: Int, classes: Int) throws {
    fc = try TrainableLinear(weights: &weights, key: "fc", input: channels, output: classes)
  }

  /// Weight and bias.
  public var parameters: [Parameter] { fc.parameters }
  /// None.
  public var batchNorms: [TrainableBatchNorm] { [] }
  /// Drops the kept tensors.
  public func forgetActivations() {
    inputShape = nil
    fc.forgetActivations()
  }

  /// `[n, c, h, w]` → `[n, classes]`.
  public func forward(_ x: Tensor) -> Tensor {
    inputShape = x.shape
    return fc.forward(x.globalMean())
  }

  /// Back-propagates dL/d(logits) `[n, classes]`.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    guard let shape = inputShape else {
      preconditionFailure("TrainableResNetLogits: backward without forward")
    }
    inputShape = nil
    let dPooled = fc.backward(dy)
    return inputGradient ? Tensor.globalMeanBackward(outputGradient: dPooled, inputShape: shape) : nil
  }
}
