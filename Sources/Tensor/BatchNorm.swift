/// Inference batch-norm statistics of one layer, `y = gamma · (x - mean) / sqrt(variance + epsilon) + beta`.
///
/// Every tensor has shape `[channels]`. A missing `gamma` means 1 (TF-slim S3D-G has no scale) and
/// a missing `beta` means 0. Epsilon differs between implementations (1e-3 S3D-G, 1e-5 ResNet-50).
public struct BatchNormParameters: Sendable {
  /// Scale per channel, or `nil` for 1.
  public var gamma: Tensor?
  /// Offset per channel, or `nil` for 0.
  public var beta: Tensor?
  /// Running mean per channel.
  public var mean: Tensor
  /// Running variance per channel.
  public var variance: Tensor
  /// Added to the variance before the square root.
  public var epsilon: Float

  /// Batch-norm statistics; all given tensors must have the shape of `mean`, `[channels]`.
  public init(gamma: Tensor?, beta: Tensor?, mean: Tensor, variance: Tensor, epsilon: Float) {
    let shape = mean.shape
    precondition(shape.count == 1, "BatchNormParameters: mean shape \(shape), [channels] expected")
    for (name, t) in [("gamma", gamma), ("beta", beta), ("variance", variance)] {
      if let t {
        precondition(t.shape == shape, "BatchNormParameters: \(name) \(t.shape), \(shape) expected")
      }
    }
    self.gamma = gamma
    self.beta = beta
    self.mean = mean
    self.variance = variance
    self.epsilon = epsilon
  }

  /// Number of channels.
  public var channels: Int { mean.count }

  /// Per-channel `(scale, shift)` with `y = scale · x + shift`.
  public func affine() -> (scale: [Float], shift: [Float]) {
    let m = mean.scalars
    let v = variance.scalars
    let g = gamma?.scalars ?? Array(repeating: 1, count: channels)
    let b = beta?.scalars ?? Array(repeating: 0, count: channels)
    var scale = [Float](repeating: 0, count: channels)
    var shift = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      scale[c] = g[c] / (v[c] + epsilon).squareRoot()
      shift[c] = b[c] - m[c] * scale[c]
    }
    return (scale, shift)
  }

  /// The convolution followed by this batch norm, as one convolution with scaled weights and a bias.
  public func fold(into conv: Convolution) -> Convolution {
    precondition(
      conv.outputChannels == channels,
      "BatchNormParameters.fold: \(channels) channels, convolution has \(conv.outputChannels)")
    let (scale, shift) = affine()
    var w = conv.weight
    let per = w.count / channels
    w.withUnsafeMutableBufferPointer { p in
      for o in 0..<channels {
        for i in 0..<per { p[o * per + i] *= scale[o] }
      }
    }
    let oldBias = conv.bias?.scalars ?? Array(repeating: 0, count: channels)
    let bias = (0..<channels).map { oldBias[$0] * scale[$0] + shift[$0] }
    return Convolution(
      weight: w, bias: Tensor(shape: [channels], scalars: bias), stride: conv.stride, padding: conv.padding,
      activation: conv.activation)
  }

  /// Applies the normalisation to `x` (`[n, channels, ...]`), for layers that cannot be folded.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 2 && x.shape[1] == channels, "BatchNormParameters: input \(x.shape)")
    let (scale, shift) = affine()
    var y = x
    let plane = x.count / max(x.shape[0] * channels, 1)
    y.withUnsafeMutableBufferPointer { p in
      for row in 0..<(x.shape[0] * channels) {
        let (s, b) = (scale[row % channels], shift[row % channels])
        for i in 0..<plane { p[row * plane + i] = p[row * plane + i] * s + b }
      }
    }
    return y
  }
}
