import Networks
import Tensor

extension DetectorCheckpoint {
  /// The flow-stream version of an RGB detector's tensors (I3D's inflation of an RGB network to
  /// flow): every tensor of `configuration` (an RGB context stream) is kept, except the context
  /// trunk's first convolution, whose weight `[64, 3, …]` becomes `[64, 2, …]`, the mean over the
  /// 3 RGB input channels repeated for the 2 flow channels (``averageInputChannels(_:to:)``).
  ///
  /// Returns the flow configuration (``DetectorConfiguration/contextStream`` `.flow`, all else equal)
  /// and a weight store holding every tensor it needs; `weights` must hold every tensor of
  /// `configuration` (unused ones are left in it).
  ///
  /// ```swift
  /// var (rgb, _, weights) = try DetectorCheckpoint.open(path: "rgb.safetensors")
  /// var (configuration, flow) = try DetectorCheckpoint.inflatedToFlow(rgb, weights: &weights)
  /// let detector = try ActionDetector(weights: &flow, configuration: configuration)
  /// ```
  ///
  /// - Throws: ``DetectorError/badConfiguration(_:)`` when `configuration` is already a flow
  ///   detector; ``WeightError`` for a missing tensor or a wrong shape.
  public static func inflatedToFlow(
    _ configuration: DetectorConfiguration, weights: inout WeightStore
  ) throws -> (configuration: DetectorConfiguration, weights: WeightStore) {
    guard configuration.contextStream == .rgb else {
      throw DetectorError.badConfiguration(
        "the detector's context stream is already flow: nothing to inflate")
    }
    var flow = configuration
    flow.contextStream = .flow
    let flowShapes = Dictionary(
      try ParameterTable.detector(flow).map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    for entry in try ParameterTable.detector(configuration) {
      let values = try weights.take(entry.name, shape: entry.shape)
      guard let wanted = flowShapes[entry.name], wanted != entry.shape else {
        tensors[entry.name] = (entry.shape, values)
        continue
      }
      let stem = averageInputChannels(Tensor(shape: entry.shape, scalars: values), to: wanted[1])
      tensors[entry.name] = (stem.shape, stem.scalars)
    }
    return (flow, try WeightStore(tensors: tensors))
  }

  /// Names of the tensors ``inflatedToFlow(_:weights:)`` changes for `configuration`: the context
  /// stem's convolution weights whose input channels differ between RGB and flow.
  public static func flowInflatedTensorNames(_ configuration: DetectorConfiguration) throws -> [String] {
    var rgb = configuration
    rgb.contextStream = .rgb
    var flow = configuration
    flow.contextStream = .flow
    let flowShapes = Dictionary(
      try ParameterTable.detector(flow).map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    return try ParameterTable.detector(rgb).filter { flowShapes[$0.name] != $0.shape }.map(\.name)
  }
}
