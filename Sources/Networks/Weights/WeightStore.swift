/// Named weights handed out once each, with shape checks, so a loader can prove every key was used.
///
/// ```swift
/// var weights = try WeightStore(path: "resnet50.safetensors")
/// let w = try weights.take("conv1.weight", shape: [64, 3, 7, 7])
/// try weights.assertAllConsumed()
/// ```
public struct WeightStore: Sendable {
  private enum Source: Sendable {
    case file(SafeTensorsFile)
    case memory([String: (shape: [Int], values: [Float])])
    case generator(@Sendable (String, [Int]) -> [Float])
  }

  private let source: Source
  private var remaining: Set<String>
  /// Every key taken so far with its shape, in the order asked for.
  public private(set) var taken: [(key: String, shape: [Int])] = []
  /// Prepended to every key asked for (e.g. `"context."` inside a detector checkpoint).
  public var prefix: String = ""

  /// Opens a safetensors file (memory mapped, header validated).
  public init(path: String) throws {
    let file = try SafeTensorsFile(path: path)
    self.source = .file(file)
    self.remaining = Set(file.entries.keys)
  }

  /// Wraps an opened safetensors file.
  public init(file: SafeTensorsFile) {
    self.source = .file(file)
    self.remaining = Set(file.entries.keys)
  }

  /// Wraps in-memory tensors (name → shape and row-major values); counts must match shapes.
  public init(tensors: [String: (shape: [Int], values: [Float])]) throws {
    for (key, tensor) in tensors where tensor.shape.reduce(1, *) != tensor.values.count {
      throw WeightError.invalidTensor(
        key: key, detail: "shape \(tensor.shape) but \(tensor.values.count) values")
    }
    self.source = .memory(tensors)
    self.remaining = Set(tensors.keys)
  }

  /// A store that invents every tensor asked for: `generate(key, shape)` must return
  /// `product(shape)` values (random initialisation, or discovering a network's tensors via ``taken``).
  public init(generating generate: @escaping @Sendable (_ key: String, _ shape: [Int]) -> [Float]) {
    self.source = .generator(generate)
    self.remaining = []
  }

  /// The names and shapes of every tensor `build` asks for, in order (built on a generating store
  /// of zeros, with running variances 1).
  public static func tensorShapes(
    of build: (inout WeightStore) throws -> Void
  ) rethrows -> [(key: String, shape: [Int])] {
    var store = WeightStore { key, shape in
      [Float](repeating: key.hasSuffix("running_var") ? 1 : 0, count: shape.reduce(1, *))
    }
    try build(&store)
    return store.taken
  }

  /// The `__metadata__` map of the file (empty for in-memory stores).
  public var metadata: [String: String] {
    if case .file(let file) = source { return file.metadata }
    return [:]
  }

  /// Every key in the store, sorted.
  public var keys: [String] {
    switch source {
    case .file(let file): return file.keys
    case .memory(let map): return map.keys.sorted()
    case .generator: return taken.map(\.key)
    }
  }

  /// Keys not taken yet, sorted.
  public var unusedKeys: [String] { remaining.sorted() }

  /// Whether `prefix + key` is in the store.
  public func contains(_ key: String) -> Bool {
    switch source {
    case .file(let file): return file.entries[prefix + key] != nil
    case .memory(let map): return map[prefix + key] != nil
    case .generator: return true
    }
  }

  /// The shape stored under `prefix + key`, or nil.
  public func shape(of key: String) -> [Int]? {
    switch source {
    case .file(let file): return file.entries[prefix + key]?.shape
    case .memory(let map): return map[prefix + key]?.shape
    case .generator: return nil
    }
  }

  /// Returns the values of `prefix + key` after checking its shape, and marks the key used.
  public mutating func take(_ key: String, shape: [Int]) throws -> [Float] {
    let name = prefix + key
    let values: [Float]
    switch source {
    case .file(let file):
      guard let entry = file.entries[name] else { throw WeightError.missingKey(key: name) }
      guard entry.shape == shape else {
        throw WeightError.shapeMismatch(key: name, expected: shape, actual: entry.shape)
      }
      values = try file.floats(of: entry, key: name)
    case .memory(let map):
      guard let tensor = map[name] else { throw WeightError.missingKey(key: name) }
      guard tensor.shape == shape else {
        throw WeightError.shapeMismatch(key: name, expected: shape, actual: tensor.shape)
      }
      values = tensor.values
    case .generator(let generate):
      values = generate(name, shape)
      guard values.count == shape.reduce(1, *) else {
        throw WeightError.invalidTensor(
          key: name, detail: "generator gave \(values.count) values for \(shape)")
      }
    }
    remaining.remove(name)
    taken.append((name, shape))
    return values
  }

  /// Throws ``WeightError/unusedKeys(_:)`` naming every key not taken (optionally only under `prefix`).
  public func assertAllConsumed(under prefix: String = "") throws {
    let unused = remaining.filter { $0.hasPrefix(prefix) }.sorted()
    guard unused.isEmpty else { throw WeightError.unusedKeys(unused) }
  }
}
