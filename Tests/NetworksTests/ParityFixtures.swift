import Foundation
import Networks
import Tensor

/// The committed parity fixtures (made by tools/make_network_fixtures.py) and helpers around them.
enum ParityFixtures {
  /// Seed of every generated parameter and input (`SEED` in the script).
  static let seed: UInt64 = 20_261_121

  /// Folder of the fixtures, next to this file.
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// Opens fixture `name` (e.g. `"resnet50"`).
  static func file(_ name: String) throws -> SafeTensorsFile {
    try SafeTensorsFile(path: "\(directory)/\(name).safetensors")
  }

  /// A fixture tensor as a ``Tensor``.
  static func tensor(_ file: SafeTensorsFile, _ key: String) throws -> Tensor {
    guard let entry = file.entries[key] else { throw WeightError.missingKey(key: key) }
    return Tensor(shape: entry.shape, scalars: try file.floats(key))
  }

  /// The `parameters` metadata of a fixture: every tensor name and shape of the PyTorch model.
  static func parameters(_ file: SafeTensorsFile) -> [(name: String, shape: [Int])] {
    (file.metadata["parameters"] ?? "").split(separator: "\n").map { line in
      let parts = line.split(separator: " ")
      let shape = parts.count > 1 ? parts[1].split(separator: ",").map { Int($0)! } : []
      return (String(parts[0]), shape)
    }
  }

  /// (center, half width) of a parameter: `parity_range` of tools/counter_random.py.
  static func range(_ name: String, shape: [Int]) -> (center: Float, halfWidth: Float) {
    if name.hasSuffix("running_var") { return (1, 0.5) }
    if name.hasSuffix("running_mean") { return (0, 0.2) }
    if shape.count == 1 { return name.hasSuffix("weight") ? (1, 0.5) : (0, 0.2) }
    let fanIn = shape.dropFirst().reduce(1, *)
    return (0, Float((6.0 / Double(fanIn)).squareRoot()))
  }

  /// A weight store holding the generated value of every parameter the fixture lists.
  static func weights(for file: SafeTensorsFile) throws -> WeightStore {
    let generator = CounterRandom(seed: seed)
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    for (name, shape) in parameters(file) {
      let (center, half) = range(name, shape: shape)
      tensors[name] = (
        shape, generator.values(name, count: shape.reduce(1, *), center: center, halfWidth: half)
      )
    }
    return try WeightStore(tensors: tensors)
  }

  /// The stream "input" of the seed, shaped `shape` (uniform in [-1, 1)).
  static func input(shape: [Int]) -> Tensor {
    Tensor(shape: shape, scalars: CounterRandom(seed: seed).values("input", count: shape.reduce(1, *)))
  }
}

/// `max |a − b| / max |b|` (b is the reference), the error norm every parity test states.
func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
  precondition(a.shape == b.shape, "maxRelativeError: shapes \(a.shape) and \(b.shape)")
  let (x, y) = (a.scalars, b.scalars)
  var diff: Float = 0
  var scale: Float = 0
  for i in x.indices {
    diff = max(diff, abs(x[i] - y[i]))
    scale = max(scale, abs(y[i]))
  }
  return diff / max(scale, .leastNormalMagnitude)
}
