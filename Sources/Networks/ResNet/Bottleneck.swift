import Tensor

/// torchvision's ResNet bottleneck (v1.5: the stride sits on the 3×3 conv): `relu(x̂ + shortcut(x))`
/// with `x̂ = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))`.
///
/// Input NCHW `[n, in, h, w]`, output `[n, 4·width, h/stride, w/stride]`. Tensors under `<p>`:
/// `conv1.weight` `[width, in, 1, 1]`, `conv2.weight` `[width, width, 3, 3]`, `conv3.weight`
/// `[4·width, width, 1, 1]`, `bn{1,2,3}.*`, and `downsample.0.weight` `[4·width, in, 1, 1]` +
/// `downsample.1.*` when the stride or width changes.
public struct Bottleneck: Sendable {
  /// 1×1 reduce unit.
  public let conv1: ConvUnit
  /// 3×3 unit (carries the stride).
  public let conv2: ConvUnit
  /// 1×1 expand unit whose activation runs after the residual add.
  public let conv3: ConvUnit
  /// Projection shortcut, or nil for identity.
  public let downsample: ConvUnit?

  /// Loads a block under `prefix` (e.g. `"layer3.0"`).
  public init(
    weights: inout WeightStore, prefix: String, input: Int, width: Int, stride: Int, batchNormEpsilon: Float
  ) throws {
    let norm = UnitNormalization.batchNorm(epsilon: batchNormEpsilon)
    let output = 4 * width
    conv1 = try ConvUnit(
      weights: &weights, conv: prefix + ".conv1", norm: prefix + ".bn1", input: input, output: width,
      kernel: [1, 1], padding: .valid, normalization: norm)
    conv2 = try ConvUnit(
      weights: &weights, conv: prefix + ".conv2", norm: prefix + ".bn2", input: width, output: width,
      kernel: [3, 3], stride: [stride, stride], padding: .symmetric([1, 1]), normalization: norm)
    conv3 = try ConvUnit(
      weights: &weights, conv: prefix + ".conv3", norm: prefix + ".bn3", input: width, output: output,
      kernel: [1, 1], padding: .valid, normalization: norm)
    if stride != 1 || input != output {
      downsample = try ConvUnit(
        weights: &weights, conv: prefix + ".downsample.0", norm: prefix + ".downsample.1", input: input,
        output: output, kernel: [1, 1], stride: [stride, stride], padding: .valid, normalization: norm,
        activation: .identity)
    } else {
      downsample = nil
    }
  }

  /// Applies the block.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let shortcut = downsample.map { $0(x) } ?? x
    return conv3(conv2(conv1(x)), residual: shortcut)
  }
}
