import Tensor

/// A `k×k×k` spatio-temporal convolution unit: separable (S3D) or full (I3D).
public enum SpatioTemporalConv: Sendable {
  /// `1×k×k` then `k×1×1` units (`<p>.0.*`, `<p>.1.*`).
  case separable(SeparableConv3D)
  /// One `k×k×k` unit (`<p>.0.weight` `[out, in, k, k, k]`, `<p>.1.*`).
  case full(ConvUnit)

  /// Number of output channels.
  public var outputChannels: Int {
    switch self {
    case .separable(let unit): return unit.outputChannels
    case .full(let unit): return unit.outputChannels
    }
  }

  /// Applies the convolution.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    switch self {
    case .separable(let unit): return unit(x)
    case .full(let unit): return unit(x)
    }
  }

  /// Applies the convolution, writing into channels `channelOffset...` of `output`.
  public func forward(_ x: Tensor, into output: inout Tensor, channelOffset: Int) {
    switch self {
    case .separable(let unit): unit.forward(x, into: &output, channelOffset: channelOffset)
    case .full(let unit): unit.forward(x, into: &output, channelOffset: channelOffset)
    }
  }

  /// Output shape for an input shape.
  public func outputShape(for inputShape: [Int]) -> [Int] {
    switch self {
    case .separable(let unit): return unit.outputShape(for: inputShape)
    case .full(let unit): return unit.outputShape(for: inputShape)
    }
  }
}

extension S3DGConfiguration {
  /// Loads the stride-1 `3×3×3` unit under `prefix` (separable or full per ``separable``).
  func conv3x3(weights: inout WeightStore, prefix: String, input: Int, output: Int) throws
    -> SpatioTemporalConv
  {
    if separable {
      return .separable(
        try SeparableConv3D(
          weights: &weights, prefix: prefix, input: input, output: output, kernel: 3, stride: 1,
          spatialPadding: padding(symmetric: [0, 1, 1]), temporalPadding: padding(symmetric: [1, 0, 0]),
          spatialNormalization: unitNormalization, temporalNormalization: temporalNormalization))
    }
    return .full(
      try ConvUnit(
        weights: &weights, conv: prefix + ".0", norm: prefix + ".1", input: input, output: output,
        kernel: [3, 3, 3], padding: padding(symmetric: [1, 1, 1]), normalization: unitNormalization))
  }

  /// A 1×1×1 unit under `prefix`.
  func conv1x1(weights: inout WeightStore, prefix: String, input: Int, output: Int) throws -> ConvUnit {
    try ConvUnit(
      weights: &weights, conv: prefix + ".0", norm: prefix + ".1", input: input, output: output,
      kernel: [1, 1, 1], padding: .valid, normalization: unitNormalization)
  }

  /// The gate `<prefix>.gate.*` of `channels` channels, or nil without gating.
  func gate(weights: inout WeightStore, prefix: String, channels: Int) throws -> SelfGating? {
    switch gating {
    case .none:
      return nil
    case .withoutBias:
      return SelfGating(weight: try weights.tensor(prefix + ".gate.weight", shape: [channels, channels]))
    case .withBias:
      return SelfGating(
        weight: try weights.tensor(prefix + ".gate.weight", shape: [channels, channels]),
        bias: try weights.tensor(prefix + ".gate.bias", shape: [channels]))
    }
  }

  /// Normalisation of the temporal unit of separable convolutions.
  var temporalNormalization: UnitNormalization {
    temporalUnit == .bias ? .bias : unitNormalization
  }
}
