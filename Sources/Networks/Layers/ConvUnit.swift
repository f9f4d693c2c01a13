import Tensor

/// What follows the convolution of a ``ConvUnit`` before its activation.
public enum UnitNormalization: Sendable, Equatable {
  /// Inference batch norm (`<norm>.{weight,bias,running_mean,running_var}`), folded into the
  /// convolution at load time; `scale: false` for TF-slim's gamma-less batch norm (no `weight` key).
  case batchNorm(epsilon: Float, scale: Bool = true)
  /// A convolution bias `<conv>.bias` (TF-slim's temporal convs of S3D-G).
  case bias
  /// Nothing.
  case none
}

/// Convolution + (batch norm | bias) + activation, the unit of every network here.
///
/// Input NCTHW with a weight `<conv>.weight` `[out, in, kt, kh, kw]`, or NCHW with `[out, in, kh, kw]`;
/// batch norm is folded into the convolution's weight and bias when the unit is built.
public struct ConvUnit: Sendable {
  /// The convolution with batch norm folded in and the activation fused.
  public let convolution: Convolution

  /// Wraps an already built convolution.
  public init(convolution: Convolution) {
    self.convolution = convolution
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
    case .batchNorm(let epsilon, let scale):
      let bn = try weights.batchNorm(norm, channels: output, epsilon: epsilon, scale: scale)
      let plain = Convolution(weight: weight, stride: stride, padding: padding, activation: activation)
      convolution = bn.fold(into: plain)
    case .bias:
      let bias = try weights.tensor(conv + ".bias", shape: [output])
      convolution = Convolution(
        weight: weight, bias: bias, stride: stride, padding: padding, activation: activation)
    case .none:
      convolution = Convolution(weight: weight, stride: stride, padding: padding, activation: activation)
    }
  }

  /// Number of output channels.
  public var outputChannels: Int { convolution.outputChannels }

  /// Applies the unit.
  public func callAsFunction(_ x: Tensor) -> Tensor { convolution(x) }

  /// Applies the unit with a residual added before the activation (ResNet bottleneck end).
  public func callAsFunction(_ x: Tensor, residual: Tensor) -> Tensor { convolution(x, residual: residual) }

  /// Writes the result into channels `channelOffset...` of `output` (concatenation without a copy).
  public func forward(_ x: Tensor, into output: inout Tensor, channelOffset: Int) {
    convolution.forward(x, into: &output, channelOffset: channelOffset)
  }

  /// Output shape for an input shape.
  public func outputShape(for inputShape: [Int]) -> [Int] { convolution.outputShape(for: inputShape) }
}
