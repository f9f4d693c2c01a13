import Tensor

/// S3D's separable convolution: a spatial `1×k×k` unit (stride (1, s, s)) then a temporal `k×1×1`
/// unit (stride (s, 1, 1)); tensors `<p>.0.*` (spatial) and `<p>.1.*` (temporal).
///
/// Input NCTHW `[n, in, t, h, w]`; spatial weight `[out, in, 1, k, k]`, temporal `[out, out, k, 1, 1]`.
public struct SeparableConv3D: Sendable {
  /// The spatial unit (conv + BN + ReLU).
  public let spatial: ConvUnit
  /// The temporal unit (conv + BN or bias + ReLU).
  public let temporal: ConvUnit

  /// Loads both units under `prefix` (e.g. `"features.3"`) with the paddings of their 3 spatial dims.
  public init(
    weights: inout WeightStore, prefix: String, input: Int, output: Int, kernel: Int, stride: Int,
    spatialPadding: Padding, temporalPadding: Padding, spatialNormalization: UnitNormalization,
    temporalNormalization: UnitNormalization
  ) throws {
    spatial = try ConvUnit(
      weights: &weights, conv: prefix + ".0.0", norm: prefix + ".0.1", input: input, output: output,
      kernel: [1, kernel, kernel], stride: [1, stride, stride], padding: spatialPadding,
      normalization: spatialNormalization)
    temporal = try ConvUnit(
      weights: &weights, conv: prefix + ".1.0", norm: prefix + ".1.1", input: output, output: output,
      kernel: [kernel, 1, 1], stride: [stride, 1, 1], padding: temporalPadding,
      normalization: temporalNormalization)
  }

  /// Number of output channels.
  public var outputChannels: Int { temporal.outputChannels }

  /// Applies both units.
  public func callAsFunction(_ x: Tensor) -> Tensor { temporal(spatial(x)) }

  /// Applies both units, writing into channels `channelOffset...` of `output`.
  public func forward(_ x: Tensor, into output: inout Tensor, channelOffset: Int) {
    temporal.forward(spatial(x), into: &output, channelOffset: channelOffset)
  }

  /// Output shape for an input shape.
  public func outputShape(for inputShape: [Int]) -> [Int] {
    temporal.outputShape(for: spatial.outputShape(for: inputShape))
  }
}
