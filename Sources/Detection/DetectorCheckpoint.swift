import Foundation
import Networks

/// The detector checkpoint: one safetensors file holding `keyframe.*` (ResNet-50 to `layer3`),
/// `context.*` (S3D-G to `Mixed_5c`, the head's tail included), `rpn.*` and `head.*`, with the
/// ``DetectorConfiguration`` (class names inside) as JSON under the metadata key `detector`.
///
/// Metadata `weights` says where the numbers come from (`trained`, `assembled: …`, `seeded: …`);
/// anything but `trained` is reported by the `detect` command on every output.
public enum DetectorCheckpoint {
  /// Metadata key of the configuration JSON.
  public static let configurationKey = "detector"
  /// Metadata key of the provenance line.
  public static let provenanceKey = "weights"
  /// How every provenance line written by training starts.
  public static let trainedPrefix = "trained"

  /// Whether a provenance line says the weights were trained (anything else is plumbing only).
  public static func isTrained(provenance: String) -> Bool { provenance.hasPrefix(trainedPrefix) }

  /// Opens a checkpoint: its configuration, its provenance and a weight store over its tensors.
  public static func open(path: String) throws -> (
    configuration: DetectorConfiguration, provenance: String, weights: WeightStore
  ) {
    let file = try SafeTensorsFile(path: path)
    guard let json = file.metadata[configurationKey] else {
      throw DetectorError.badCheckpoint(
        path: path,
        detail: "no '\(configurationKey)' metadata (expected the detector configuration JSON); "
          + "is this a backbone file? Assemble a detector with assemble-detector")
    }
    let configuration = try DetectorConfiguration.decode(json: json, source: path)
    return (configuration, file.metadata[provenanceKey] ?? "unknown", WeightStore(file: file))
  }

  /// Loads an ``ActionDetector`` from a checkpoint file.
  public static func load(path: String, scoreThreshold: Float? = nil) throws -> (
    detector: ActionDetector, provenance: String
  ) {
    var (configuration, provenance, weights) = try open(path: path)
    if let scoreThreshold { configuration.postProcessing.scoreThreshold = scoreThreshold }
    return (try ActionDetector(weights: &weights, configuration: configuration), provenance)
  }

  /// Seeded values for every tensor of `configuration` (counter-based generator, the parity rule of
  /// tools/counter_random.py: BN variance 1 ± 0.5, mean 0 ± 0.2, gamma 1 ± 0.5, biases 0 ± 0.2,
  /// weights He-uniform). For plumbing and benchmarks only: such a detector detects nothing real.
  public static func seededTensors(
    _ configuration: DetectorConfiguration, seed: UInt64
  ) throws -> [(name: String, shape: [Int], values: [Float])] {
    seededTensors(try ParameterTable.detector(configuration), seed: seed)
  }

  /// Seeded values for `entries` (full names, prefixes included): the same values
  /// ``seededTensors(_:seed:)`` gives those tensors, each tensor's stream being keyed by its name.
  public static func seededTensors(
    _ entries: [ParameterTable.Entry], seed: UInt64
  ) -> [(name: String, shape: [Int], values: [Float])] {
    let generator = CounterRandom(seed: seed)
    return entries.map { entry in
      let (center, half) = seededRange(entry.name, shape: entry.shape)
      return (
        entry.name, entry.shape,
        generator.values(entry.name, count: entry.shape.reduce(1, *), center: center, halfWidth: half)
      )
    }
  }

  /// (center, half width) of a seeded parameter (`parity_range` of tools/counter_random.py).
  public static func seededRange(_ name: String, shape: [Int]) -> (center: Float, halfWidth: Float) {
    if name.hasSuffix("running_var") { return (1, 0.5) }
    if name.hasSuffix("running_mean") { return (0, 0.2) }
    if shape.count == 1 { return name.hasSuffix("weight") ? (1, 0.5) : (0, 0.2) }
    let fanIn = shape.dropFirst().reduce(1, *)
    return (0, Float((6.0 / Double(fanIn)).squareRoot()))
  }

  /// A weight store of seeded tensors (see ``seededTensors(_:seed:)``).
  public static func seededStore(_ configuration: DetectorConfiguration, seed: UInt64) throws -> WeightStore {
    var map: [String: (shape: [Int], values: [Float])] = [:]
    for t in try seededTensors(configuration, seed: seed) { map[t.name] = (t.shape, t.values) }
    return try WeightStore(tensors: map)
  }

  /// Writes a checkpoint with seeded weights (provenance `seeded: <seed>`), temp name then rename.
  public static func writeSeeded(_ configuration: DetectorConfiguration, seed: UInt64, to path: String) throws
  {
    var writer = SafeTensorsWriter()
    for t in try seededTensors(configuration, seed: seed) {
      writer.add(t.name, shape: t.shape, values: t.values)
    }
    writer.metadata = [
      configurationKey: try configuration.json(),
      provenanceKey: "seeded: \(seed) (plumbing only, not trained)",
    ]
    try writer.write(to: path)
  }
}
