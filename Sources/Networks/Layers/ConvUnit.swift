import Tensor

/// Which statistics an inference batch norm normalises with.
public enum BatchNormStatistics: String, Sendable, Equatable, Codable, CaseIterable {
  /// The running statistics of the checkpoint (`running_mean`, `running_var`), folded into the
  /// convolution: the usual inference batch norm.
  case running
  /// Each sample's own mean and variance over its positions, per channel: the training-mode batch
  /// norm of a network trained one sample per forward (``BatchNormParameters/perSampleForward(_:residual:activation:)``).
  case perSample
}

/// What follows the convolution of a ``ConvUnit`` before its activation.
public enum UnitNormalization: Sendable, Equatable {
  /// Batch norm (`<norm>.{weight,bias,running_mean,running_var}`); `scale: false` for TF-slim's
  /// gamma-less batch norm (no `weight` key). With ``BatchNormStatistics/running`` statistics it is
  /// folded into the convolution at load time.
  case batchNorm(epsilon: Float, scale: Bool = true, statistics: BatchNormStatistics = .running)
  /// A convolution bias `<conv>.bias` (TF-slim's temporal convs of S3D-G).
  case bias
  /// Nothing.
  case none
}

/// Convolution + (batch norm | bias) + activation, the unit of every network here.
///
/// Input NCTHW with a weight `<conv>.weight` `[out, in, kt, kh, kw]`, or NCHW with `[out, in, kh, kw]`;
/// batch norm with running statistics is folded into the convolution's weight and bias when the unit
/// is built; with per-sample statistics it runs after the convolution, then the activation.
public struct ConvUnit: Sendable {
  /// The convolution: batch norm folded in and the activation fused, or (per-sample batch norm)
  /// bias-free and without activation.
  public let convolution: Convolution
  /// The batch norm normalising each sample with its own statistics, or nil.
  public let perSampleNorm: BatchNormParameters?
  /// The activation after ``perSampleNorm`` (the convolution's own is fused otherwise).
  let activation: Activation

  /// Wraps an already built convolution (normalisation, if any, folded in).
  public init(convolution: Convolution) {
    self.convolution = convolution
    perSampleNorm = nil
    activation = convolution.activation
  }

  /// Loads `<conv>.weight` of shape `[output, input] + kernel` and the normalisation tensors.
  ///
  /// - Parameters:
  ///   - conv: prefix of the convolution's tensors (e.g. `"features.2.0"`, `"layer1.0.conv1"`).
  ///   - norm: prefix of the batch-norm tensors (e.g. `"features.2.1"`, `"layer1.0.bn1"`).
  ///   - kernel: 3 extents (T, H, W) for a 3-D unit, 2 (H, W) for a 2-D unit.
  public init(
    weights: inout WeightStore, conv: String, norm: String, input: Int, output: Int, kernel: [Int],
    stride: [Int]? = nil, padding: Padding, normalization: UnitNormalization,
    activation: Activation = .relu
  ) throws {
    let weight = try weights.tensor(conv + ".weight", shape: [output, input] + kernel)
    switch normalization {
    case .batchNorm(let epsilon, let scale, let statistics):
      let bn = try weights.batchNorm(norm, channels: output, epsilon: epsilon, scale: scale)
      if statistics == .perSample {
        convolution = Convolution(weight: weight, stride: stride, padding: padding, activation: .identity)
        perSampleNorm = bn
        self.activation = activation
        return
      }
      let plain = Convolution(weight: weight, stride: stride, padding: padding, activation: activation)
      convolution = bn.fold(into: plain)
    case .bias:
      let bias = try weights.tensor(conv + ".bias", shape: [output])
      convolution = Convolution(
        weight: weight, bias: bias, stride: stride, padding: padding, activation: activation)
    case .none:
      convolution = Convolution(weight: weight, stride: stride, padding: padding, activation: activation)
    }
    perSampleNorm = nil
    self.activation = activation
  }

  /// Number of output channels.
  public var outputChannels: Int { convolution.outputChannels }

  /// Applies the unit.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    guard let perSampleNorm else { return convolution(x) }
    return perSampleNorm.perSampleForward(convolution(x), activation: activation)
  }

  /// Applies the unit with a residual added before the activation (ResNet bottleneck end).
  public func callAsFunction(_ x: Tensor, residual: Tensor) -> Tensor {
    guard let perSampleNorm else { return convolution(x, residual: residual) }
    return perSampleNorm.perSampleForward(convolution(x), residual: residual, activation: activation)
  }

  /// Writes the result into channels `channelOffset...` of `output` (concatenation without a copy
  /// when the normalisation is folded; one copy of the unit's channels with per-sample statistics).
  public func forward(_ x: Tensor, into output: inout Tensor, channelOffset: Int) {
    guard perSampleNorm != nil else {
      convolution.forward(x, into: &output, channelOffset: channelOffset)
      return
    }
    output.copyChannels(from: self(x), channelOffset: channelOffset)
  }

  /// Output shape for an input shape.
  public func outputShape(for inputShape: [Int]) -> [Int] { convolution.outputShape(for: inputShape) }
}
