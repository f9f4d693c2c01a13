import Tensor

/// S3D-G, S3D and I3D in one type: every variant of ../shared/reference/detector_architecture.md §1.4 is
/// a switch of ``S3DGConfiguration``; the stages `firstEndpoint ... finalEndpoint` are built.
///
/// Input NCTHW `[n, c, t, h, w]` (c = ``S3DGConfiguration/inputChannels`` from the stem: 3 for RGB,
/// 2 for flow; otherwise the channels of the previous endpoint), already normalised
/// (``S3DGConfiguration/inputNormalization``; flow arrives in [−1, 1]). Tensors keep
/// torchvision's names (`features.N.*`, `classifier.1.*`), extended for gates (`<p>.gate.*`), temporal
/// biases (`<p>.1.0.bias`) and full stems (`features.0.0.weight` `[64, 3, t, 7, 7]`).
///
/// ```swift
/// var weights = try WeightStore(path: "s3d.safetensors")
/// let trunk = try S3DG(weights: &weights, configuration: .torchvision.stages(.conv2d_1a, .mixed_4e))
/// try weights.assertAllConsumed()
/// let mixed4e = trunk(clip)   // [1, 528, 5, 20, 25] for a [1, 3, 20, 320, 400] clip
/// ```
public struct S3DG: Sendable {
  /// One built stage.
  enum Stage: Sendable {
    case unit(SpatioTemporalConv, SelfGating?)
    case pool(MaxPool)
    case inception(InceptionBlock)
    case logits(Convolution)
  }

  /// Widths of the inception blocks.
  public static let inceptionWidths: [S3DGEndpoint: InceptionBlock.Widths] = [
    .mixed_3b: .init(64, 96, 128, 16, 32, 32), .mixed_3c: .init(128, 128, 192, 32, 96, 64),
    .mixed_4b: .init(192, 96, 208, 16, 48, 64), .mixed_4c: .init(160, 112, 224, 24, 64, 64),
    .mixed_4d: .init(128, 128, 256, 24, 64, 64), .mixed_4e: .init(112, 144, 288, 32, 64, 64),
    .mixed_4f: .init(256, 160, 320, 32, 128, 128), .mixed_5b: .init(256, 160, 320, 32, 128, 128),
    .mixed_5c: .init(384, 192, 384, 48, 128, 128),
  ]

  /// The configuration the network was built with.
  public let configuration: S3DGConfiguration
  let stages: [(endpoint: S3DGEndpoint, stage: Stage)]

  /// Channels entering the stage `endpoint` (3 for the stem, 1024 for the logits at full width).
  public static func inputChannels(of endpoint: S3DGEndpoint, width: WidthMultiplier = .full) -> Int {
    guard let previous = S3DGEndpoint(rawValue: endpoint.rawValue - 1) else { return 3 }
    return outputChannels(of: previous, width: width)
  }

  /// Channels produced by the stage `endpoint` (528 for Mixed_4e at full width; the logits' `classes`
  /// are not scaled).
  public static func outputChannels(
    of endpoint: S3DGEndpoint, classes: Int = 400, width: WidthMultiplier = .full
  ) -> Int {
    switch endpoint {
    case .conv2d_1a, .maxPool_2a, .conv2d_2b: return width.channels(64)
    case .conv2d_2c, .maxPool_3a: return width.channels(192)
    case .maxPool_4a: return width.channels(480)
    case .maxPool_5a: return width.channels(832)
    case .logits: return classes
    default: return widths(of: endpoint, width: width).output
    }
  }

  /// The branch widths of inception block `endpoint` at `width`.
  public static func widths(of endpoint: S3DGEndpoint, width: WidthMultiplier = .full)
    -> InceptionBlock.Widths
  {
    let w = inceptionWidths[endpoint]!
    let d = width
    return .init(
      d.channels(w.b0), d.channels(w.b1a), d.channels(w.b1b), d.channels(w.b2a), d.channels(w.b2b),
      d.channels(w.b3b))
  }

  /// Loads the stages `configuration.firstEndpoint ... finalEndpoint` from `weights` by name
  /// (after ``S3DGConfiguration/validate()``), checking every shape (call `weights.assertAllConsumed()` afterwards to prove no key was left).
  public init(weights: inout WeightStore, configuration: S3DGConfiguration) throws {
    try configuration.validate()
    self.configuration = configuration
    var stages: [(S3DGEndpoint, Stage)] = []
    for endpoint in S3DGEndpoint.allCases
    where endpoint >= configuration.firstEndpoint && endpoint <= configuration.finalEndpoint {
      stages.append((endpoint, try Self.stage(endpoint, weights: &weights, configuration: configuration)))
    }
    self.stages = stages
  }

  /// Runs every built stage and returns the output of the final endpoint.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    runStages(x, wanted: []).last
  }

  /// Runs every built stage and returns the outputs of the endpoints in `wanted` that were built.
  public func endpoints(_ x: Tensor, _ wanted: Set<S3DGEndpoint>) -> [S3DGEndpoint: Tensor] {
    runStages(x, wanted: wanted).outputs
  }

  /// Runs the stages in order, keeping the outputs of `wanted`. A gated unit followed by a max pool
  /// (`Conv2d_2c` → `MaxPool_3a`) pools before it scales by the gates, unless the unit's own output
  /// is wanted: the same bits (``SelfGating/gates(of:channelOffset:)``) without a read and a write of
  /// the unit's full-size output, 61 MB on a paper clip.
  func runStages(_ x: Tensor, wanted: Set<S3DGEndpoint>) -> (last: Tensor, outputs: [S3DGEndpoint: Tensor]) {
    var outputs: [S3DGEndpoint: Tensor] = [:]
    var y = x
    var i = 0
    while i < stages.count {
      let (endpoint, stage) = stages[i]
      if case .unit(let conv, let gate?) = stage, !wanted.contains(endpoint), i + 1 < stages.count,
        case .pool(let pool) = stages[i + 1].stage
      {
        let unit = conv(y)
        let gates = gate.gates(of: unit, channelOffset: 0)
        y = pool(unit)
        gate.scale(&y, channelOffset: 0, by: gates)
        i += 1
      } else {
        y = Self.run(stage, y)
      }
      if wanted.contains(stages[i].endpoint) { outputs[stages[i].endpoint] = y }
      i += 1
    }
    return (y, outputs)
  }

  static func run(_ stage: Stage, _ x: Tensor) -> Tensor {
    switch stage {
    case .unit(let conv, let gate):
      var y = conv(x)
      gate?.apply(to: &y, channelOffset: 0)  // in place: y is not shared
      return y
    case .pool(let pool):
      return pool(x)
    case .inception(let block):
      return block(x)
    case .logits(let classifier):
      let extents = Array(x.shape.suffix(3))
      let kernel = zip([2, 7, 7], extents).map { min($0, $1) }
      let pooled = AvgPool(kernel: kernel, stride: [1, 1, 1])(x)
      return classifier(pooled).globalMean()
    }
  }
}
