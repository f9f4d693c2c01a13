import Tensor

/// torchvision's ResNet-50 (`resnet50()`, v1.5), from the stem up to any stage, with torchvision's
/// tensor names (`conv1.weight`, `bn1.*`, `layer{1..4}.{i}.*`, `fc.{weight,bias}`).
///
/// Input NCHW `[n, 3, h, w]` normalised with ``InputNormalization/imageNet`` for torchvision
/// checkpoints. `layer3` (1024 channels, stride 16) is the detector's keyframe feature; `logits`
/// is `[n, classes]` after global average pooling and `fc`.
public struct ResNet50: Sendable {
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
  let stages: [(endpoint: Endpoint, stage: Stage)]

  /// Loads the stages `first ... final` (checking every shape; call `weights.assertAllConsumed()` after).
  public init(
    weights: inout WeightStore, first: Endpoint = .stem, final: Endpoint = .logits, classes: Int = 1000,
    batchNormEpsilon: Float = 1e-5
  ) throws {
    firstEndpoint = first
    finalEndpoint = final
    var stages: [(Endpoint, Stage)] = []
    let layers: [Endpoint: (blocks: Int, width: Int, stride: Int)] = [
      .layer1: (3, 64, 1), .layer2: (4, 128, 2), .layer3: (6, 256, 2), .layer4: (3, 512, 2),
    ]
    for endpoint in Endpoint.allCases where endpoint >= first && endpoint <= final {
      switch endpoint {
      case .stem:
        let conv = try ConvUnit(
          weights: &weights, conv: "conv1", norm: "bn1", input: 3, output: 64, kernel: [7, 7],
          stride: [2, 2],
          padding: .symmetric([3, 3]), normalization: .batchNorm(epsilon: batchNormEpsilon))
        stages.append(
          (endpoint, .stem(conv, MaxPool(kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1])))))
      case .logits:
        let fc = Linear(
          weight: try weights.tensor("fc.weight", shape: [classes, 2048]),
          bias: try weights.tensor("fc.bias", shape: [classes]))
        stages.append((endpoint, .logits(fc)))
      default:
        let spec = layers[endpoint]!
        var blocks: [Bottleneck] = []
        var input = spec.width * 2
        if endpoint == .layer1 { input = 64 }
        for i in 0..<spec.blocks {
          blocks.append(
            try Bottleneck(
              weights: &weights, prefix: "layer\(endpoint.rawValue).\(i)", input: input, width: spec.width,
              stride: i == 0 ? spec.stride : 1, batchNormEpsilon: batchNormEpsilon))
          input = 4 * spec.width
        }
        stages.append((endpoint, .blocks(blocks)))
      }
    }
    self.stages = stages
  }

  /// Runs the built stages and returns the final endpoint's output.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    stages.reduce(x) { Self.run($1.stage, $0) }
  }

  /// Runs the built stages and returns the outputs of the endpoints in `wanted`.
  public func endpoints(_ x: Tensor, _ wanted: Set<Endpoint>) -> [Endpoint: Tensor] {
    var outputs: [Endpoint: Tensor] = [:]
    var y = x
    for (endpoint, stage) in stages {
      y = Self.run(stage, y)
      if wanted.contains(endpoint) { outputs[endpoint] = y }
    }
    return outputs
  }

  static func run(_ stage: Stage, _ x: Tensor) -> Tensor {
    switch stage {
    case .stem(let conv, let pool): return pool(conv(x))
    case .blocks(let blocks): return blocks.reduce(x) { $1($0) }
    case .logits(let fc): return fc(x.globalMean())
    }
  }
}
