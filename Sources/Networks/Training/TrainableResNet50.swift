import Tensor

/// ResNet-50 that can learn: the trainable twin of ``ResNet50`` (same variants, stages, widths and
/// torchvision tensor names), for fine-tuning the detector's keyframe trunk or training it from
/// seeded weights.
///
/// ```swift
/// var weights = try WeightStore(path: "resnet50.safetensors")
/// let net = try TrainableResNet50(weights: &weights, final: .layer3)
/// net.stages.setFrozen(true, stages: [.stem, .layer1])      // train layer2 and layer3 only
/// net.stages.setBatchNormMode(.frozen)                    // detection fine-tuning
/// let y = net.stages.forward(x)                           // [n, 1024, h/16, w/16]
/// net.stages.backward(dLdy, inputGradient: false)
/// ```
public final class TrainableResNet50 {
  /// The weight store's prefix when the network was loaded (every parameter name starts with it).
  public let namePrefix: String
  /// The built stages.
  public let stages: TrainableStages<ResNet50.Endpoint>
  /// Stride placement.
  public let variant: ResNet50.Variant
  /// Channel width.
  public let width: WidthMultiplier
  /// Classes of the logits (when built).
  public let classes: Int
  /// Batch-norm epsilon.
  public let batchNormEpsilon: Float

  /// Loads the stages `first ... final`, as ``ResNet50/init(weights:variant:first:final:classes:batchNormEpsilon:width:)``.
  public init(
    weights: inout WeightStore, variant: ResNet50.Variant = .torchvision, first: ResNet50.Endpoint = .stem,
    final: ResNet50.Endpoint = .logits, classes: Int = 1000, batchNormEpsilon: Float = 1e-5,
    width: WidthMultiplier = .full
  ) throws {
    try ResNet50.checkStages(variant: variant, first: first, final: final)
    self.variant = variant
    self.width = width
    namePrefix = weights.prefix
    self.classes = classes
    self.batchNormEpsilon = batchNormEpsilon
    var stages: [(endpoint: ResNet50.Endpoint, module: any TrainableModule)] = []
    for endpoint in ResNet50.Endpoint.allCases where endpoint >= first && endpoint <= final {
      switch endpoint {
      case .stem:
        let conv = try TrainableConvUnit(
          weights: &weights, conv: "conv1", norm: "bn1", input: 3, output: width.channels(64),
          kernel: [7, 7],
          stride: [2, 2], padding: .symmetric([3, 3]), normalization: .batchNorm(epsilon: batchNormEpsilon))
        let pool = TrainableMaxPool(MaxPool(kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1])))
        stages.append((endpoint, TrainableSequence([conv, pool])))
      case .logits:
        stages.append(
          (
            endpoint,
            try TrainableResNetLogits(weights: &weights, channels: width.channels(2048), classes: classes)
          ))
      default:
        let spec = ResNet50.layers[endpoint]!
        let blockWidth = width.channels(spec.width)
        var input = endpoint == .layer1 ? width.channels(64) : blockWidth * 2
        var blocks: [any TrainableModule] = []
        for i in 0..<spec.blocks {
          blocks.append(
            try TrainableBottleneck(
              weights: &weights, prefix: "layer\(endpoint.rawValue).\(i)", input: input, width: blockWidth,
              stride: ResNet50.stride(variant, endpoint, unit: i, of: spec.blocks),
              batchNormEpsilon: batchNormEpsilon, subsampleShortcut: variant != .torchvision))
          input = 4 * blockWidth
        }
        stages.append((endpoint, TrainableSequence(blocks)))
      }
    }
    self.stages = TrainableStages(stages)
  }

  /// The inference network with the current values (batch norm folded with the running statistics).
  public func inferenceNetwork() throws -> ResNet50 {
    var weights = try WeightStore(tensors: stages.stateDictionary())
    weights.prefix = namePrefix
    let built = stages.stages
    let network = try ResNet50(
      weights: &weights, variant: variant, first: built.first!.endpoint, final: built.last!.endpoint,
      classes: classes, batchNormEpsilon: batchNormEpsilon, width: width)
    try weights.assertAllConsumed()
    return network
  }
}

extension TrainableModule {
  /// ``stateTensors()`` as the `[name: (shape, values)]` map a ``WeightStore`` or checkpoint writer takes.
  public func stateDictionary() -> [String: (shape: [Int], values: [Float])] {
    var map: [String: (shape: [Int], values: [Float])] = [:]
    for (name, value) in stateTensors() { map[name] = (value.shape, value.scalars) }
    return map
  }
}
