import Tensor

/// torchvision's ResNet bottleneck (v1.5: the stride sits on the 3×3 conv): `relu(x̂ + shortcut(x))`
/// with `x̂ = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))`.
///
/// Input NCHW `[n, in, h, w]`, output `[n, 4·width, h/stride, w/stride]`. Tensors under `<p>`:
/// `conv1.weight` `[width, in, 1, 1]`, `conv2.weight` `[width, width, 3, 3]`, `conv3.weight`
/// `[4·width, width, 1, 1]`, `bn{1,2,3}.*`, and `downsample.0.weight` `[4·width, in, 1, 1]` +
/// `downsample.1.*` when the width changes (or, torchvision, when the stride does). TF-slim's
/// `resnet_v1` unit is the same function with a strided unit of unchanged width taking its shortcut by
/// subsampling (`subsample`: a 1×1 max pool with the stride) instead of a projection.
public struct Bottleneck: Sendable {
  /// How the input reaches the residual add.
  public enum Shortcut: Sendable {
    /// The input as is.
    case identity
    /// Every `stride`-th row and column (TF-slim `resnet_utils.subsample`).
    case subsample(MaxPool)
    /// 1×1 conv with the stride + batch norm (`downsample.{0,1}`).
    case projection(ConvUnit)
  }

  /// 1×1 reduce unit.
  public let conv1: ConvUnit
  /// 3×3 unit (carries the stride).
  public let conv2: ConvUnit
  /// 1×1 expand unit whose activation runs after the residual add.
  public let conv3: ConvUnit
  /// The shortcut.
  public let shortcut: Shortcut

  /// Loads a block under `prefix` (e.g. `"layer3.0"`); `subsampleShortcut` picks TF-slim's shortcut for
  /// strided units of unchanged width (torchvision projects them); `statistics` says what every batch
  /// norm normalises with.
  public init(
    weights: inout WeightStore, prefix: String, input: Int, width: Int, stride: Int, batchNormEpsilon: Float,
    subsampleShortcut: Bool = false, statistics: BatchNormStatistics = .running
  ) throws {
    let norm = UnitNormalization.batchNorm(epsilon: batchNormEpsilon, statistics: statistics)
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
    switch Self.shortcutKind(input: input, output: output, stride: stride, subsample: subsampleShortcut) {
    case .identity:
      shortcut = .identity
    case .subsample:
      shortcut = .subsample(Self.subsamplePool(stride: stride))
    case .projection:
      shortcut = .projection(
        try ConvUnit(
          weights: &weights, conv: prefix + ".downsample.0", norm: prefix + ".downsample.1", input: input,
          output: output, kernel: [1, 1], stride: [stride, stride], padding: .valid, normalization: norm,
          activation: .identity))
    }
  }

  /// Which shortcut a unit takes: the identity (same width, stride 1), TF-slim's subsampling (same
  /// width, strided, `subsample`), or a projection (torchvision, or a width change).
  static func shortcutKind(input: Int, output: Int, stride: Int, subsample: Bool) -> ShortcutKind {
    guard input == output && (stride == 1 || subsample) else { return .projection }
    return stride == 1 ? .identity : .subsample
  }

  /// TF-slim's `resnet_utils.subsample`: every `stride`-th row and column.
  static func subsamplePool(stride: Int) -> MaxPool {
    MaxPool(kernel: [1, 1], stride: [stride, stride], padding: .valid)
  }

  /// The three shortcut forms, without their layers.
  enum ShortcutKind { case identity, subsample, projection }

  /// Applies the block.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let skip: Tensor
    switch shortcut {
    case .identity: skip = x
    case .subsample(let pool): skip = pool(x)
    case .projection(let unit): skip = unit(x)
    }
    return conv3(conv2(conv1(x)), residual: skip)
  }
}
