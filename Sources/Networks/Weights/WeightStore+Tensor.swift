import Tensor

extension WeightStore {
  /// Takes `key` as a ``Tensor`` after checking its shape (see ``take(_:shape:)``).
  public mutating func tensor(_ key: String, shape: [Int]) throws -> Tensor {
    Tensor(shape: shape, scalars: try take(key, shape: shape))
  }

  /// Takes the four batch-norm tensors under `prefix` (`weight` only when `scale`, `bias`,
  /// `running_mean`, `running_var`, each `[channels]`).
  public mutating func batchNorm(
    _ prefix: String, channels: Int, epsilon: Float, scale: Bool = true
  ) throws -> BatchNormParameters {
    let shape = [channels]
    let gamma = scale ? try tensor(prefix + ".weight", shape: shape) : nil
    return BatchNormParameters(
      gamma: gamma, beta: try tensor(prefix + ".bias", shape: shape),
      mean: try tensor(prefix + ".running_mean", shape: shape),
      variance: try tensor(prefix + ".running_var", shape: shape), epsilon: epsilon)
  }
}
