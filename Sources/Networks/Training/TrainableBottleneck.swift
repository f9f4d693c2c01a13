import Tensor

/// ResNet's bottleneck that can learn (the trainable twin of ``Bottleneck``, same tensor names):
/// `relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x))`.
///
/// Keeps nothing itself (its units keep theirs); dL/dx is the main path's plus the shortcut's.
public final class TrainableBottleneck: TrainableModule {
  /// 1×1 reduce unit.
  public let conv1: TrainableConvUnit
  /// 3×3 unit (carries the stride).
  public let conv2: TrainableConvUnit
  /// 1×1 expand unit; its ReLU runs after the residual add.
  public let conv3: TrainableConvUnit
  /// Projection (`downsample.{0,1}`) or subsampling pool; `nil` for the identity.
  public let shortcut: (any TrainableModule)?

  /// Loads a block under `prefix` (e.g. `"layer3.0"`); the shortcut rule is ``Bottleneck``'s.
  public init(
    weights: inout WeightStore, prefix: String, input: Int, width: Int, stride: Int, batchNormEpsilon: Float,
    subsampleShortcut: Bool = false
  ) throws {
    let norm = UnitNormalization.batchNorm(epsilon: batchNormEpsilon)
    let output = 4 * width
    conv1 = try TrainableConvUnit(
      weights: &weights, conv: prefix + ".conv1", norm: prefix + ".bn1", input: input, output: width,
      kernel: [1, 1], padding: .valid, normalization: norm)
    conv2 = try TrainableConvUnit(
      weights: &weights, conv: prefix + ".conv2", norm: prefix + ".bn2", input: width, output: width,
      kernel: [3, 3], stride: [stride, stride], padding: .symmetric([1, 1]), normalization: norm)
    conv3 = try TrainableConvUnit(
      weights: &weights, conv: prefix + ".conv3", norm: prefix + ".bn3", input: width, output: output,
      kernel: [1, 1], padding: .valid, normalization: norm)
    switch Bottleneck.shortcutKind(input: input, output: output, stride: stride, subsample: subsampleShortcut)
    {
    case .identity:
      shortcut = nil
    case .subsample:
      shortcut = TrainableMaxPool(Bottleneck.subsamplePool(stride: stride))
    case .projection:
      shortcut = try TrainableConvUnit(
        weights: &weights, conv: prefix + ".downsample.0", norm: prefix + ".downsample.1", input: input,
        output: output, kernel: [1, 1], stride: [stride, stride], padding: .valid, normalization: norm,
        activation: .identity)
    }
  }

  /// Every parameter (conv1, conv2, conv3, shortcut).
  public var parameters: [Parameter] {
    conv1.parameters + conv2.parameters + conv3.parameters + (shortcut?.parameters ?? [])
  }
  /// Every batch norm, in the same order.
  public var batchNorms: [TrainableBatchNorm] {
    conv1.batchNorms + conv2.batchNorms + conv3.batchNorms + (shortcut?.batchNorms ?? [])
  }

  /// Drops every unit's kept activations.
  public func forgetActivations() {
    for m in [conv1, conv2, conv3] as [any TrainableModule] + (shortcut.map { [$0] } ?? []) {
      m.forgetActivations()
    }
  }

  /// Applies the block.
  public func forward(_ x: Tensor) -> Tensor {
    let skip = shortcut?.forward(x) ?? x
    return conv3.forward(conv2.forward(conv1.forward(x)), residual: skip)
  }

  /// Back-propagates through the main path and the shortcut.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    let d2 = conv3.backward(dy)
    let dSkip = conv3.residualGradient!
    let d1 = conv2.backward(d2)
    let dMain = conv1.backward(d1, inputGradient: inputGradient)
    guard inputGradient, var dx = dMain else {
      shortcut.map { _ = $0.backward(dSkip, inputGradient: false) }
      return nil
    }
    if let shortcut {
      if let g = shortcut.backward(dSkip, inputGradient: true) { dx += g }
    } else {
      dx += dSkip
    }
    return dx
  }
}
