import Tensor

/// S3D-G / S3D / I3D that can learn: the trainable twin of ``S3DG`` for every
/// ``S3DGConfiguration`` (presets, switches, width), with the same tensor names.
///
/// ```swift
/// var weights = try WeightStore(path: "s3d.safetensors")
/// let net = try TrainableS3DG(weights: &weights, configuration: .torchvision.stages(.conv2d_1a, .mixed_4e))
/// let mixed4e = net.stages.forward(clip)
/// net.stages.backward(dLdMixed4e, inputGradient: false)
/// ```
public final class TrainableS3DG {
  /// The weight store's prefix when the network was loaded (every parameter name starts with it).
  public let namePrefix: String
  /// The built stages.
  public let stages: TrainableStages<S3DGEndpoint>
  /// The configuration the network was built with.
  public let configuration: S3DGConfiguration

  /// Loads the stages `configuration.firstEndpoint ... finalEndpoint` by name, checking every shape.
  public init(weights: inout WeightStore, configuration c: S3DGConfiguration) throws {
    try c.validate()
    configuration = c
    namePrefix = weights.prefix
    var stages: [(endpoint: S3DGEndpoint, module: any TrainableModule)] = []
    for endpoint in S3DGEndpoint.allCases where endpoint >= c.firstEndpoint && endpoint <= c.finalEndpoint {
      stages.append((endpoint, try Self.stage(endpoint, weights: &weights, configuration: c)))
    }
    self.stages = TrainableStages(stages)
  }

  /// The inference network with the current values (batch norm folded with the running statistics).
  public func inferenceNetwork() throws -> S3DG {
    var weights = try WeightStore(tensors: stages.stateDictionary())
    weights.prefix = namePrefix
    let network = try S3DG(weights: &weights, configuration: configuration)
    try weights.assertAllConsumed()
    return network
  }

  /// One trainable stage with its torchvision-style names (the layout of ``S3DG``'s stages).
  static func stage(_ endpoint: S3DGEndpoint, weights: inout WeightStore, configuration c: S3DGConfiguration)
    throws -> any TrainableModule
  {
    let prefix = "features.\(endpoint.rawValue)"
    let input = S3DG.inputChannels(of: endpoint, width: c.width)
    switch endpoint {
    case .conv2d_1a:
      return try stem(weights: &weights, configuration: c)
    case .maxPool_2a, .maxPool_3a:
      return TrainableMaxPool(
        MaxPool(kernel: [1, 3, 3], stride: [1, 2, 2], padding: c.padding(symmetric: [0, 1, 1])))
    case .maxPool_4a:
      return TrainableMaxPool(
        MaxPool(kernel: [3, 3, 3], stride: [2, 2, 2], padding: c.padding(symmetric: [1, 1, 1])))
    case .maxPool_5a:
      return TrainableMaxPool(
        MaxPool(kernel: [2, 2, 2], stride: [2, 2, 2], padding: c.padding(symmetric: [0, 0, 0])))
    case .conv2d_2b:
      return try c.trainableConv1x1(
        weights: &weights, prefix: prefix, input: input, output: c.width.channels(64))
    case .conv2d_2c:
      let output = c.width.channels(192)
      let conv = try c.trainableConv3x3(weights: &weights, prefix: prefix, input: input, output: output)
      let gate = try c.trainableGate(weights: &weights, prefix: prefix, channels: output)
      return TrainableSequence([conv] + (gate.map { [$0] } ?? []))
    case .logits:
      return try TrainableS3DGLogits(weights: &weights, channels: c.width.channels(1024), classes: c.classes)
    default:
      return try TrainableInceptionBlock(
        weights: &weights, prefix: prefix, input: input, widths: S3DG.widths(of: endpoint, width: c.width),
        configuration: c)
    }
  }

  /// Conv2d_1a in one of its three forms.
  static func stem(weights: inout WeightStore, configuration c: S3DGConfiguration) throws
    -> any TrainableModule
  {
    let output = c.width.channels(64)
    switch c.stem {
    case .separable:
      return TrainableSequence([
        try TrainableConvUnit(
          weights: &weights, conv: "features.0.0.0", norm: "features.0.0.1", input: c.inputChannels,
          output: output,
          kernel: [1, 7, 7], stride: [1, 2, 2], padding: c.padding(symmetric: [0, 3, 3]),
          normalization: c.unitNormalization),
        try TrainableConvUnit(
          weights: &weights, conv: "features.0.1.0", norm: "features.0.1.1", input: output, output: output,
          kernel: [7, 1, 1], stride: [2, 1, 1], padding: c.padding(symmetric: [3, 0, 0]),
          normalization: c.temporalNormalization),
      ])
    case .full(let t):
      return try TrainableConvUnit(
        weights: &weights, conv: "features.0.0", norm: "features.0.1", input: c.inputChannels, output: output,
        kernel: [t, 7, 7], stride: [2, 2, 2], padding: c.padding(symmetric: [t / 2, 3, 3]),
        normalization: c.unitNormalization)
    case .spaceToDepth:
      let pads = [
        PadAmount(before: 0, after: 2), PadAmount(before: 2, after: 4), PadAmount(before: 2, after: 4),
      ]
      return try TrainableConvUnit(
        weights: &weights, conv: "features.0.0", norm: "features.0.1", input: c.inputChannels, output: output,
        kernel: [4, 8, 8], stride: [2, 2, 2], padding: .explicit(pads), normalization: c.unitNormalization)
    }
  }
}
