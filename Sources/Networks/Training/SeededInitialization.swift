extension WeightStore {
  /// Fresh weights for training from scratch, invented for every tensor a network asks for and
  /// reproducible from `seed` (``CounterRandom``: the stream of each tensor is its name).
  ///
  /// Convolution and linear weights: He (Kaiming) uniform, `±sqrt(6 / fan_in)` with fan-in the
  /// product of every dimension after the first; gates (`.gate.weight`): `±sqrt(3 / c)`;
  /// batch norm: gamma 1, beta 0, running mean 0, running variance 1; biases 0.
  ///
  /// `standardDeviation(name)`, when not nil, replaces the He bound of that weight by a uniform
  /// distribution of that standard deviation (`±sd·√3`): detection layers start small (Detectron's
  /// 0.01 for the RPN and class scores, 0.001 for box deltas).
  public static func seededInitialization(
    seed: UInt64, standardDeviation: @escaping @Sendable (_ name: String) -> Float? = { _ in nil }
  ) -> WeightStore {
    let generator = CounterRandom(seed: seed)
    return WeightStore { name, shape in
      let count = shape.reduce(1, *)
      if name.hasSuffix("running_var") { return [Float](repeating: 1, count: count) }
      if shape.count == 1 {
        let isScale = name.hasSuffix(".weight") && !name.hasSuffix("gate.weight")
        return [Float](repeating: isScale ? 1 : 0, count: count)
      }
      if let sd = standardDeviation(name) {
        return generator.values(name, count: count, center: 0, halfWidth: sd * Float(3).squareRoot())
      }
      let fanIn = shape.dropFirst().reduce(1, *)
      let bound =
        name.hasSuffix("gate.weight") ? (3 / Double(fanIn)).squareRoot() : (6 / Double(fanIn)).squareRoot()
      return generator.values(name, count: count, center: 0, halfWidth: Float(bound))
    }
  }
}
