import Tensor

/// S3D-G's inception block that can learn (the trainable twin of ``InceptionBlock``, same tensor
/// names): four branches, each optionally gated, concatenated on channels.
///
/// Keeps nothing itself: each branch's modules keep their own inputs (the block input is shared,
/// not copied). The input gradient is the sum of the four branches' input gradients.
public final class TrainableInceptionBlock: TrainableModule {
  /// Branch 0: 1×1×1 unit (+ gate).
  public let branch0: TrainableSequence
  /// Branch 1: 1×1×1 unit, 3×3×3 unit (+ gate).
  public let branch1: TrainableSequence
  /// Branch 2: 1×1×1 unit, 3×3×3 unit (+ gate).
  public let branch2: TrainableSequence
  /// Branch 3: 3×3×3 stride-1 max pool, 1×1×1 unit (+ gate).
  public let branch3: TrainableSequence
  /// The widths.
  public let widths: InceptionBlock.Widths

  /// Loads the block under `prefix` (e.g. `"features.11"`) at the configuration's width.
  public init(
    weights: inout WeightStore, prefix: String, input: Int, widths: InceptionBlock.Widths,
    configuration c: S3DGConfiguration
  ) throws {
    self.widths = widths
    func gated(_ modules: [any TrainableModule], _ branch: String, _ channels: Int) throws
      -> TrainableSequence
    {
      let gate = try c.trainableGate(weights: &weights, prefix: prefix + branch, channels: channels)
      return TrainableSequence(modules + (gate.map { [$0] } ?? []))
    }
    branch0 = try gated(
      [
        try c.trainableConv1x1(
          weights: &weights, prefix: prefix + ".branch0", input: input, output: widths.b0)
      ],
      ".branch0", widths.b0)
    branch1 = try gated(
      [
        try c.trainableConv1x1(
          weights: &weights, prefix: prefix + ".branch1.0", input: input, output: widths.b1a),
        try c.trainableConv3x3(
          weights: &weights, prefix: prefix + ".branch1.1", input: widths.b1a, output: widths.b1b),
      ], ".branch1", widths.b1b)
    branch2 = try gated(
      [
        try c.trainableConv1x1(
          weights: &weights, prefix: prefix + ".branch2.0", input: input, output: widths.b2a),
        try c.trainableConv3x3(
          weights: &weights, prefix: prefix + ".branch2.1", input: widths.b2a, output: widths.b2b),
      ], ".branch2", widths.b2b)
    branch3 = try gated(
      [
        TrainableMaxPool(
          MaxPool(kernel: [3, 3, 3], stride: [1, 1, 1], padding: c.padding(symmetric: [1, 1, 1]))),
        try c.trainableConv1x1(
          weights: &weights, prefix: prefix + ".branch3.1", input: input, output: widths.b3b),
      ], ".branch3", widths.b3b)
  }

  private var branches: [TrainableSequence] { [branch0, branch1, branch2, branch3] }

  /// Every parameter, branch by branch.
  public var parameters: [Parameter] { branches.flatMap(\.parameters) }
  /// Every batch norm, branch by branch.
  public var batchNorms: [TrainableBatchNorm] { branches.flatMap(\.batchNorms) }

  /// Drops every branch's kept activations.
  public func forgetActivations() {
    for b in branches { b.forgetActivations() }
  }

  /// Runs the four branches and concatenates them.
  public func forward(_ x: Tensor) -> Tensor {
    Tensor.concatenateChannels(branches.map { $0.forward(x) })
  }

  /// Splits dL/dy by branch and sums the branches' input gradients.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    let parts = dy.splitChannels([widths.b0, widths.b1b, widths.b2b, widths.b3b])
    var dx: Tensor?
    for (branch, part) in zip(branches, parts) {
      guard let g = branch.backward(part, inputGradient: inputGradient) else { continue }
      if dx == nil { dx = g } else { dx! += g }
    }
    return dx
  }
}

extension S3DGConfiguration {
  /// The trainable stride-1 `3×3×3` unit under `prefix` (separable or full per ``separable``).
  func trainableConv3x3(weights: inout WeightStore, prefix: String, input: Int, output: Int) throws
    -> any TrainableModule
  {
    if separable {
      return TrainableSequence([
        try TrainableConvUnit(
          weights: &weights, conv: prefix + ".0.0", norm: prefix + ".0.1", input: input, output: output,
          kernel: [1, 3, 3], padding: padding(symmetric: [0, 1, 1]), normalization: unitNormalization),
        try TrainableConvUnit(
          weights: &weights, conv: prefix + ".1.0", norm: prefix + ".1.1", input: output, output: output,
          kernel: [3, 1, 1], padding: padding(symmetric: [1, 0, 0]), normalization: temporalNormalization),
      ])
    }
    return try TrainableConvUnit(
      weights: &weights, conv: prefix + ".0", norm: prefix + ".1", input: input, output: output,
      kernel: [3, 3, 3], padding: padding(symmetric: [1, 1, 1]), normalization: unitNormalization)
  }

  /// A trainable 1×1×1 unit under `prefix`.
  func trainableConv1x1(weights: inout WeightStore, prefix: String, input: Int, output: Int) throws
    -> TrainableConvUnit
  {
    try TrainableConvUnit(
      weights: &weights, conv: prefix + ".0", norm: prefix + ".1", input: input, output: output,
      kernel: [1, 1, 1], padding: .valid, normalization: unitNormalization)
  }

  /// The trainable gate `<prefix>.gate.*`, or nil without gating.
  func trainableGate(weights: inout WeightStore, prefix: String, channels: Int) throws -> TrainableGate? {
    switch gating {
    case .none:
      return nil
    case .withoutBias:
      let w = try weights.tensor(prefix + ".gate.weight", shape: [channels, channels])
      return TrainableGate(
        weight: Parameter(name: weights.prefix + prefix + ".gate.weight", value: w), bias: nil)
    case .withBias:
      let w = try weights.tensor(prefix + ".gate.weight", shape: [channels, channels])
      let b = try weights.tensor(prefix + ".gate.bias", shape: [channels])
      return TrainableGate(
        weight: Parameter(name: weights.prefix + prefix + ".gate.weight", value: w),
        bias: Parameter(name: weights.prefix + prefix + ".gate.bias", value: b))
    }
  }
}
