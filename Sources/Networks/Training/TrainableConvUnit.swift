import Tensor

/// Convolution + (batch norm | bias | nothing) + activation that can learn: the trainable twin of
/// ``ConvUnit``, with the same tensor names (`<conv>.weight`, `<conv>.bias`, `<norm>.*`).
///
/// Input NCTHW with weight `[out, in, kt, kh, kw]` or NCHW with `[out, in, kh, kw]`. How each mode
/// runs, and what the forward keeps for the backward:
/// - batch norm, ``BatchNormMode/training``: `z = conv(x)`, `y = act(bn_batch(z) [+ residual])`;
///   keeps `x`, `z`, `y` and the batch statistics.
/// - batch norm, ``BatchNormMode/frozen``: the fixed affine map is folded into the convolution
///   (`W·scale`, bias `shift`), exactly as the inference ``ConvUnit`` does, so the forward is the
///   inference forward; the weight gradient is the folded one times `scale`. Keeps `x` and `y`.
/// - bias or none: `y = act(conv(x) + b [+ residual])`; keeps `x` and `y`.
/// `x` and `y` are the neighbouring layers' tensors (shared storage, not copies); `y` is kept only
/// for a ReLU's mask.
public final class TrainableConvUnit: TrainableModule {
  /// The convolution weight.
  public let weight: Parameter
  /// The convolution bias (``UnitNormalization/bias`` units only).
  public let bias: Parameter?
  /// The batch norm (``UnitNormalization/batchNorm(epsilon:scale:statistics:)`` units only; its ``BatchNormMode`` decides how it normalises).
  public let norm: TrainableBatchNorm?
  /// Stride per spatial dimension.
  public let stride: [Int]
  /// Padding of the spatial dimensions.
  public let padding: Padding
  /// ReLU or identity.
  public let activation: Activation

  private var cached: (key: [Int], mode: BatchNormMode, convolution: Convolution)?
  private var saved: Saved?
  /// dL/d(residual) of the last backward whose forward had a residual.
  public private(set) var residualGradient: Tensor?

  private struct Saved {
    var input: Tensor
    var output: Tensor?
    var preNorm: Tensor?
    var statistics: BatchStatistics?
    var convolution: Convolution
    var hadResidual: Bool
    /// The folded scale of a frozen batch norm (the weight gradient's factor).
    var frozenScale: [Float]?
  }

  /// Loads `<conv>.weight` `[output, input] + kernel` and the normalisation tensors (as ``ConvUnit``).
  public init(
    weights: inout WeightStore, conv: String, norm: String, input: Int, output: Int, kernel: [Int],
    stride: [Int]? = nil, padding: Padding, normalization: UnitNormalization, activation: Activation = .relu
  ) throws {
    weight = Parameter(
      name: weights.prefix + conv + ".weight",
      value: try weights.tensor(conv + ".weight", shape: [output, input] + kernel))
    switch normalization {
    case .batchNorm(let epsilon, let scale, _):
      bias = nil
      self.norm = try TrainableBatchNorm(
        weights: &weights, prefix: norm, channels: output, epsilon: epsilon, scale: scale)
    case .bias:
      bias = Parameter(
        name: weights.prefix + conv + ".bias", value: try weights.tensor(conv + ".bias", shape: [output]))
      self.norm = nil
    case .none:
      bias = nil
      self.norm = nil
    }
    self.stride = stride ?? Array(repeating: 1, count: kernel.count)
    self.padding = padding
    self.activation = activation
  }

  /// Every parameter: weight, bias or gamma/beta.
  public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) + (norm?.parameters ?? []) }
  /// The batch norm, if any.
  public var batchNorms: [TrainableBatchNorm] { norm.map { [$0] } ?? [] }
  /// Number of output channels.
  public var outputChannels: Int { weight.shape[0] }

  /// The inference unit with the current values (batch norm folded with the running statistics).
  public var inferenceUnit: ConvUnit {
    let plain = Convolution(
      weight: weight.value, bias: bias?.value, stride: stride, padding: padding, activation: activation)
    return ConvUnit(convolution: norm.map { $0.current.fold(into: plain) } ?? plain)
  }

  /// The convolution the forward runs in the current mode (rebuilt when a value it depends on changed).
  private func convolution() -> Convolution {
    let mode = norm?.mode ?? .training
    // Every version the built convolution depends on, compared exactly (no hash to collide).
    let key = [weight.version, bias?.version ?? 0] + (mode == .frozen ? norm!.frozenVersion : [])
    if let cached, cached.key == key, cached.mode == mode { return cached.convolution }
    let built: Convolution
    if let norm, mode == .frozen {
      let plain = Convolution(weight: weight.value, stride: stride, padding: padding, activation: activation)
      built = norm.current.fold(into: plain)
    } else if norm != nil {
      built = Convolution(weight: weight.value, stride: stride, padding: padding, activation: .identity)
    } else {
      built = Convolution(
        weight: weight.value, bias: bias?.value, stride: stride, padding: padding, activation: activation)
    }
    cached = (key, mode, built)
    return built
  }

  /// Applies the unit.
  public func forward(_ x: Tensor) -> Tensor { forward(x, residual: nil) }

  /// Applies the unit with `residual` added before the activation (ResNet bottleneck end).
  public func forward(_ x: Tensor, residual: Tensor?) -> Tensor {
    let conv = convolution()
    var y: Tensor
    var saved = Saved(input: x, convolution: conv, hadResidual: residual != nil)
    if let norm, norm.mode == .training {
      let z = conv(x)
      let statistics: BatchStatistics
      // Destructured straight into `y`, so `y` is its output's only owner and the in-place
      // residual and ReLU below do not copy it first.
      (y, statistics) = norm.trainingForward(z)
      if let residual { y += residual }
      if activation == .relu { y.formRelu() }
      saved.preNorm = z
      saved.statistics = statistics
    } else {
      y = residual.map { conv(x, residual: $0) } ?? conv(x)
      if let norm { saved.frozenScale = norm.current.affine().scale }
    }
    if activation == .relu { saved.output = y }
    self.saved = saved
    return y
  }

  /// Drops the kept activations.
  public func forgetActivations() { saved = nil }

  /// Back-propagates dL/dy; the residual's gradient is left in ``residualGradient``.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    guard let saved else { preconditionFailure("TrainableConvUnit \(weight.name): backward without forward") }
    self.saved = nil
    var g = dy
    if let y = saved.output { g = Tensor.reluBackward(output: y, outputGradient: dy) }
    residualGradient = saved.hadResidual ? g : nil
    if let norm, let statistics = saved.statistics, let z = saved.preNorm {
      g = norm.trainingBackward(input: z, statistics: statistics, outputGradient: g)
    }
    let grads = saved.convolution.backward(
      input: saved.input, outputGradient: g, inputGradient: inputGradient)
    if let scale = saved.frozenScale {
      // y depends on W through W·scale: dL/dW = scale · dL/d(W·scale).
      if !weight.isFrozen {
        var dw = grads.weight
        let per = dw.count / scale.count
        dw.withUnsafeMutableBufferPointer { p in
          for o in 0..<scale.count {
            for i in 0..<per { p[o * per + i] *= scale[o] }
          }
        }
        weight.accumulate(dw)
      }
    } else {
      weight.accumulate(grads.weight)
      if let bias, let db = grads.bias { bias.accumulate(db) }
    }
    return grads.input
  }
}
