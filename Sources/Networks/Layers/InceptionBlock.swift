import Tensor

/// S3D-G's inception block (`inception_block_v1_3d`): four branches, each optionally gated,
/// concatenated on channels in order 0, 1, 2, 3.
///
/// Input and output NCTHW (stride 1, same T, H, W). Tensors under `features.N`:
/// `branch0.{0,1}` (1×1×1 unit), `branch1.0.*` (1×1×1) + `branch1.1.*` (3×3×3), `branch2` likewise,
/// `branch3.1.*` (1×1×1 after a 3×3×3 stride-1 max pool), and `branchK.gate.*` with gating.
public struct InceptionBlock: Sendable {
  /// Channel widths `b0 / b1a→b1b / b2a→b2b / b3b` of one block.
  public struct Widths: Sendable, Equatable {
    /// Branch 0 output.
    public var b0: Int
    /// Branch 1 bottleneck and output.
    public var b1a: Int, b1b: Int
    /// Branch 2 bottleneck and output.
    public var b2a: Int, b2b: Int
    /// Branch 3 output.
    public var b3b: Int
    /// Concatenated output channels.
    public var output: Int { b0 + b1b + b2b + b3b }

    /// Widths of one block.
    public init(_ b0: Int, _ b1a: Int, _ b1b: Int, _ b2a: Int, _ b2b: Int, _ b3b: Int) {
      (self.b0, self.b1a, self.b1b, self.b2a, self.b2b, self.b3b) = (b0, b1a, b1b, b2a, b2b, b3b)
    }
  }

  /// Branch 0: 1×1×1 unit.
  public let branch0: ConvUnit
  /// Branch 1: 1×1×1 unit then 3×3×3 unit.
  public let branch1: (ConvUnit, SpatioTemporalConv)
  /// Branch 2: 1×1×1 unit then 3×3×3 unit.
  public let branch2: (ConvUnit, SpatioTemporalConv)
  /// Branch 3: 3×3×3 stride-1 max pool then 1×1×1 unit.
  public let branch3: (MaxPool, ConvUnit)
  /// Gates of the four branches (empty without gating).
  public let gates: [SelfGating]
  /// The widths.
  public let widths: Widths

  /// Loads the block under `prefix` (e.g. `"features.11"`).
  public init(
    weights: inout WeightStore, prefix: String, input: Int, widths: Widths, configuration: S3DGConfiguration
  ) throws {
    let c = configuration
    self.widths = widths
    branch0 = try c.conv1x1(weights: &weights, prefix: prefix + ".branch0", input: input, output: widths.b0)
    branch1 = (
      try c.conv1x1(weights: &weights, prefix: prefix + ".branch1.0", input: input, output: widths.b1a),
      try c.conv3x3(weights: &weights, prefix: prefix + ".branch1.1", input: widths.b1a, output: widths.b1b)
    )
    branch2 = (
      try c.conv1x1(weights: &weights, prefix: prefix + ".branch2.0", input: input, output: widths.b2a),
      try c.conv3x3(weights: &weights, prefix: prefix + ".branch2.1", input: widths.b2a, output: widths.b2b)
    )
    branch3 = (
      MaxPool(kernel: [3, 3, 3], stride: [1, 1, 1], padding: c.padding(symmetric: [1, 1, 1])),
      try c.conv1x1(weights: &weights, prefix: prefix + ".branch3.1", input: input, output: widths.b3b)
    )
    var gates: [SelfGating] = []
    for (k, channels) in [widths.b0, widths.b1b, widths.b2b, widths.b3b].enumerated() {
      if let gate = try c.gate(weights: &weights, prefix: prefix + ".branch\(k)", channels: channels) {
        gates.append(gate)
      }
    }
    self.gates = gates
  }

  /// Runs the four branches into one `[n, output, t, h, w]` tensor and gates each slice.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var shape = x.shape
    shape[1] = widths.output
    let openers = [branch0, branch1.0, branch2.0]
    var out: Tensor
    let (a1, a2): (Tensor, Tensor)
    if openers.allSatisfy({ $0.perSampleNorm == nil }) {
      // The three 1×1×1 units read `x` in one pass (branch 0 straight into the output).
      var outs = [
        Tensor(shape: shape), Tensor(uninitializedShape: branch1.0.outputShape(for: x.shape)),
        Tensor(uninitializedShape: branch2.0.outputShape(for: x.shape)),
      ]
      Convolution.runSiblings(openers.map(\.convolution), on: x, into: &outs, channelOffsets: [0, 0, 0])
      (out, a1, a2) = (outs[0], outs[1], outs[2])
      outs = []  // `out` alone holds its storage again: the branches below write into it in place.
    } else {
      out = Tensor(shape: shape)
      branch0.forward(x, into: &out, channelOffset: 0)
      (a1, a2) = (branch1.0(x), branch2.0(x))
    }
    branch1.1.forward(a1, into: &out, channelOffset: widths.b0)
    branch2.1.forward(a2, into: &out, channelOffset: widths.b0 + widths.b1b)
    branch3.1.forward(branch3.0(x), into: &out, channelOffset: widths.b0 + widths.b1b + widths.b2b)
    let offsets = [0, widths.b0, widths.b0 + widths.b1b, widths.b0 + widths.b1b + widths.b2b]
    for (gate, offset) in zip(gates, offsets) { gate.apply(to: &out, channelOffset: offset) }
    return out
  }
}
