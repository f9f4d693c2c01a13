import Tensor

/// ResNet-50 from the stem up to any stage, with torchvision's tensor names (`conv1.weight`, `bn1.*`,
/// `layer{1..4}.{i}.*`, `fc.{weight,bias}`): torchvision's `resnet50()` (v1.5) or TF-slim's
/// `resnet_v1_50` (same tensors, different strides; ``Variant``).
///
/// Input NCHW `[n, 3, h, w]` normalised with ``InputNormalization/imageNet`` for torchvision
/// checkpoints. `layer3` (1024 channels, stride 16) is the detector's keyframe feature; `logits`
/// is `[n, classes]` after global average pooling and `fc`.
public struct ResNet50: Sendable {
  /// Where the strides sit (detector_architecture.md §2.1).
  public enum Variant: Sendable, Equatable {
    /// torchvision v1.5: stride 2 in the first unit of layer2/3/4, on its 3×3 conv; projection shortcut.
    case torchvision
    /// TF-slim `resnet_v1_50`: stride 2 in the last unit of layer1/2/3 (3×3 conv; shortcut by
    /// subsampling), layer4 unstrided; max pool TF SAME. With `outputStride16` (the TF OD API feature
    /// extractor) layer3 runs unstrided too, so layer3 is at stride 16; layer4 would then need atrous
    /// convolution, which is not supported (building it throws).
    case tfSlim(outputStride16: Bool)
  }

  /// Stages, in order.
  public enum Endpoint: Int, Sendable, CaseIterable, Comparable {
    /// conv1 7×7/2 + bn1 + ReLU + 3×3/2 max pool: 64 channels, stride 4.
    case stem
    /// 3 blocks, 256 channels, stride 4.
    case layer1
    /// 4 blocks, 512 channels, stride 8.
    case layer2
    /// 6 blocks, 1024 channels, stride 16.
    case layer3
    /// 3 blocks, 2048 channels, stride 32.
    case layer4
    /// Global average pool and `fc`.
    case logits

    /// Orders stages by position.
    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  /// One built stage.
  enum Stage: Sendable {
    case stem(ConvUnit, MaxPool)
    case blocks([Bottleneck])
    case logits(Linear)
  }

  /// The stages built, `firstEndpoint ... finalEndpoint`.
  public let firstEndpoint: Endpoint, finalEndpoint: Endpoint
  /// Stride placement.
  public let variant: Variant
  /// Channel counts divided by ``WidthMultiplier/divisor`` (`.full`: the published network).
  public let width: WidthMultiplier
  let stages: [(endpoint: Endpoint, stage: Stage)]

  /// Loads the stages `first ... final` (checking every shape; call `weights.assertAllConsumed()` after);
  /// `batchNormStatistics` says what every batch norm normalises with (running statistics, folded, by default).
  public init(
    weights: inout WeightStore, variant: Variant = .torchvision, first: Endpoint = .stem,
    final: Endpoint = .logits, classes: Int = 1000, batchNormEpsilon: Float = 1e-5,
    width: WidthMultiplier = .full, batchNormStatistics: BatchNormStatistics = .running
  ) throws {
    try Self.checkStages(variant: variant, first: first, final: final)
    firstEndpoint = first
    finalEndpoint = final
    self.variant = variant
    self.width = width
    var stages: [(Endpoint, Stage)] = []
    for endpoint in Endpoint.allCases where endpoint >= first && endpoint <= final {
      switch endpoint {
      case .stem:
        let conv = try ConvUnit(
          weights: &weights, conv: "conv1", norm: "bn1", input: 3, output: width.channels(64),
          kernel: [7, 7],
          stride: [2, 2],
          padding: .symmetric([3, 3]),
          normalization: .batchNorm(epsilon: batchNormEpsilon, statistics: batchNormStatistics))
        stages.append(
          (endpoint, .stem(conv, MaxPool(kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1])))))
      case .logits:
        let fc = Linear(
          weight: try weights.tensor("fc.weight", shape: [classes, width.channels(2048)]),
          bias: try weights.tensor("fc.bias", shape: [classes]))
        stages.append((endpoint, .logits(fc)))
      default:
        let spec = Self.layers[endpoint]!
        let blockWidth = width.channels(spec.width)
        var blocks: [Bottleneck] = []
        var input = endpoint == .layer1 ? width.channels(64) : blockWidth * 2
        for i in 0..<spec.blocks {
          blocks.append(
            try Bottleneck(
              weights: &weights, prefix: "layer\(endpoint.rawValue).\(i)", input: input, width: blockWidth,
              stride: Self.stride(variant, endpoint, unit: i, of: spec.blocks),
              batchNormEpsilon: batchNormEpsilon,
              subsampleShortcut: variant != .torchvision, statistics: batchNormStatistics))
          input = 4 * blockWidth
        }
        stages.append((endpoint, .blocks(blocks)))
      }
    }
    self.stages = stages
  }

  /// Blocks and bottleneck width (full network) of each residual stage.
  static let layers: [Endpoint: (blocks: Int, width: Int)] = [
    .layer1: (3, 64), .layer2: (4, 128), .layer3: (6, 256), .layer4: (3, 512),
  ]

  /// Throws when the stages `first ... final` cannot be built for `variant`.
  static func checkStages(variant: Variant, first: Endpoint, final: Endpoint) throws {
    guard first <= final else {
      throw ConfigurationError("ResNet-50 stages \(first)...\(final) are in the wrong order")
    }
    if variant == .tfSlim(outputStride16: true) && final >= .layer4 {
      throw ConfigurationError(
        "ResNet-50 TF-slim at output stride 16 builds up to layer3; layer4 needs atrous convolution")
    }
  }

  /// The stride of unit `unit` (of `count`) in `layer`.
  static func stride(_ variant: Variant, _ layer: Endpoint, unit: Int, of count: Int) -> Int {
    switch variant {
    case .torchvision:
      return unit == 0 && layer != .layer1 ? 2 : 1
    case .tfSlim(let outputStride16):
      let strided: Set<Endpoint> = outputStride16 ? [.layer1, .layer2] : [.layer1, .layer2, .layer3]
      return unit == count - 1 && strided.contains(layer) ? 2 : 1
    }
  }

  /// Runs the built stages and returns the final endpoint's output.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    stages.reduce(x) { Self.run($1.stage, $0) }
  }

  /// Runs the built stages and returns the outputs of the endpoints in `wanted`.
  public func endpoints(_ x: Tensor, _ wanted: Set<Endpoint>) -> [Endpoint: Tensor] {
    outputs(of: stages, on: x, wanted: wanted, run: Self.run)
  }

  static func run(_ stage: Stage, _ x: Tensor) -> Tensor {
    switch stage {
    case .stem(let conv, let pool): return pool(conv(x))
    case .blocks(let blocks): return blocks.reduce(x) { $1($0) }
    case .logits(let fc): return fc(x.globalMean())
    }
  }
}
