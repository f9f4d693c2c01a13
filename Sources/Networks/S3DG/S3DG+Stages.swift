import Tensor

extension S3DG {
  /// Loads one stage with its torchvision-style names.
  static func stage(
    _ endpoint: S3DGEndpoint, weights: inout WeightStore, configuration c: S3DGConfiguration
  ) throws -> Stage {
    let prefix = "features.\(endpoint.rawValue)"
    let input = inputChannels(of: endpoint, width: c.width)
    switch endpoint {
    case .conv2d_1a:
      return .unit(try stem(weights: &weights, configuration: c), nil)
    case .maxPool_2a, .maxPool_3a:
      return .pool(MaxPool(kernel: [1, 3, 3], stride: [1, 2, 2], padding: c.padding(symmetric: [0, 1, 1])))
    case .maxPool_4a:
      return .pool(MaxPool(kernel: [3, 3, 3], stride: [2, 2, 2], padding: c.padding(symmetric: [1, 1, 1])))
    case .maxPool_5a:
      return .pool(MaxPool(kernel: [2, 2, 2], stride: [2, 2, 2], padding: c.padding(symmetric: [0, 0, 0])))
    case .conv2d_2b:
      return .unit(
        .full(try c.conv1x1(weights: &weights, prefix: prefix, input: input, output: c.width.channels(64))),
        nil)
    case .conv2d_2c:
      let output = c.width.channels(192)
      let conv = try c.conv3x3(weights: &weights, prefix: prefix, input: input, output: output)
      return .unit(conv, try c.gate(weights: &weights, prefix: prefix, channels: output))
    case .logits:
      let classes = c.classes
      let weight = try weights.tensor(
        "classifier.1.weight", shape: [classes, c.width.channels(1024), 1, 1, 1])
      let bias = try weights.tensor("classifier.1.bias", shape: [classes])
      return .logits(Convolution(weight: weight, bias: bias))
    default:
      let widths = widths(of: endpoint, width: c.width)
      return .inception(
        try InceptionBlock(weights: &weights, prefix: prefix, input: input, widths: widths, configuration: c))
    }
  }

  /// Conv2d_1a in one of its three forms.
  static func stem(weights: inout WeightStore, configuration c: S3DGConfiguration) throws
    -> SpatioTemporalConv
  {
    switch c.stem {
    case .separable:
      return .separable(
        try SeparableConv3D(
          weights: &weights, prefix: "features.0", input: c.inputChannels, output: c.width.channels(64),
          kernel: 7,
          stride: 2,
          spatialPadding: c.padding(symmetric: [0, 3, 3]), temporalPadding: c.padding(symmetric: [3, 0, 0]),
          spatialNormalization: c.unitNormalization, temporalNormalization: c.temporalNormalization))
    case .full(let t):
      return .full(
        try ConvUnit(
          weights: &weights, conv: "features.0.0", norm: "features.0.1", input: c.inputChannels,
          output: c.width.channels(64),
          kernel: [t, 7, 7], stride: [2, 2, 2], padding: c.padding(symmetric: [t / 2, 3, 3]),
          normalization: c.unitNormalization))
    case .spaceToDepth:
      let pads = [
        PadAmount(before: 0, after: 2), PadAmount(before: 2, after: 4), PadAmount(before: 2, after: 4),
      ]
      return .full(
        try ConvUnit(
          weights: &weights, conv: "features.0.0", norm: "features.0.1", input: c.inputChannels,
          output: c.width.channels(64),
          kernel: [4, 8, 8], stride: [2, 2, 2], padding: .explicit(pads), normalization: c.unitNormalization))
    }
  }
}
