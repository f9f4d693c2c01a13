extension WeightStore {
  /// Fresh weights for training from scratch, invented for every tensor a network asks for and
  /// reproducible from `seed` (``CounterRandom``: the stream of each tensor is its name).
  ///
  /// Convolution and linear weights: He (Kaiming) uniform, `±sqrt(6 / fan_in)` with fan-in the
  /// product of every dimension after the first; gates (`.gate.weight`): `±sqrt(3 / c)`;
  /// batch norm: gamma 1, beta 0, running mean 0, running variance 1; biases 0.
  public static func seededInitialization(seed: UInt64) -> WeightStore {
    let generator = CounterRandom(seed: seed)
    return WeightStore { name, shape in
      let count = shape.reduce(1, *)
      if name.hasSuffix("running_var") { return [Float](repeating: 1, count: count) }
      if shape.count == 1 {
        let isScale = name.hasSuffix(".weight") && !name.hasSuffix("gate.weight")
        return [Float](repeating: isScale ? 1 : 0, count: count)
      }
      let fanIn = shape.dropFirst().reduce(1, *)
      let bound =
        name.hasSuffix("gate.weight") ? (3 / Double(fanIn)).squareRoot() : (6 / Double(fanIn)).squareRoot()
      return generator.values(name, count: count, center: 0, halfWidth: Float(bound))
    }
  }
}
