import Tensor

/// Batch normalisation that can learn: `y = gamma · (x − mean) / sqrt(var + epsilon) + beta` per
/// channel of `[n, c, ...]` input.
///
/// Tensors under `prefix`: `weight` (gamma; absent when the checkpoint has no scale, as TF-slim's),
/// `bias` (beta), `running_mean`, `running_var`, each `[c]`. In ``BatchNormMode/training`` the batch
/// statistics normalise and the running ones follow them (`new = (1 − momentum)·old + momentum·batch`,
/// unbiased batch variance: PyTorch's rule); in ``BatchNormMode/frozen`` the running statistics do, and
/// nothing is learned.
public final class TrainableBatchNorm {
  /// Prefix of the four tensors, with the weight store's prefix (e.g. `"layer1.0.bn1"`,
  /// `"keyframe.layer1.0.bn1"`).
  public let prefix: String
  /// Scale, or `nil` for a fixed 1.
  public let gamma: Parameter?
  /// Offset.
  public let beta: Parameter
  /// Running mean `[c]`.
  public internal(set) var runningMean: Tensor
  /// Running variance `[c]`.
  public internal(set) var runningVariance: Tensor
  /// Added to the variance before the square root.
  public let epsilon: Float
  /// Weight of the batch statistics in the running averages (PyTorch's 0.1 by default).
  public var momentum: Float = 0.1
  /// Training or frozen.
  public var mode: BatchNormMode = .training

  /// Loads the tensors under `prefix` (`scale: false`: no `weight` key, gamma fixed at 1).
  public init(weights: inout WeightStore, prefix: String, channels: Int, epsilon: Float, scale: Bool) throws {
    self.prefix = weights.prefix + prefix
    let shape = [channels]
    gamma =
      scale
      ? Parameter(name: self.prefix + ".weight", value: try weights.tensor(prefix + ".weight", shape: shape))
      : nil
    beta = Parameter(name: self.prefix + ".bias", value: try weights.tensor(prefix + ".bias", shape: shape))
    runningMean = try weights.tensor(prefix + ".running_mean", shape: shape)
    runningVariance = try weights.tensor(prefix + ".running_var", shape: shape)
    self.epsilon = epsilon
  }

  /// Number of channels.
  public var channels: Int { beta.shape[0] }

  /// The current values as the inference type (running statistics).
  public var current: BatchNormParameters {
    BatchNormParameters(
      gamma: gamma?.value, beta: beta.value, mean: runningMean, variance: runningVariance, epsilon: epsilon)
  }

  /// Parameters: gamma (when present) and beta.
  var parameters: [Parameter] { (gamma.map { [$0] } ?? []) + [beta] }

  /// The versions of everything the frozen affine map depends on (gamma, beta, running statistics).
  var frozenVersion: [Int] { [gamma?.version ?? 0, beta.version, statisticsVersion] }
  private var statisticsVersion = 0

  /// Replaces the running statistics (same shapes), e.g. by their average over the ranks of a
  /// data-parallel run.
  public func setRunningStatistics(mean: Tensor, variance: Tensor) {
    precondition(
      mean.shape == runningMean.shape && variance.shape == runningVariance.shape,
      "\(prefix): statistics \(mean.shape), \(variance.shape); \(runningMean.shape) expected")
    runningMean = mean
    runningVariance = variance
    statisticsVersion &+= 1
  }

  /// Training-mode forward: normalises with the batch statistics and updates the running ones.
  func trainingForward(_ x: Tensor) -> (output: Tensor, statistics: BatchStatistics) {
    var bn = current
    let (y, statistics) = bn.trainingForward(x)
    bn.updateRunningStatistics(with: statistics, momentum: momentum)
    runningMean = bn.mean
    runningVariance = bn.variance
    statisticsVersion &+= 1
    return (y, statistics)
  }

  /// Backward of ``trainingForward(_:)``: accumulates gamma and beta gradients, returns dL/dx.
  func trainingBackward(input x: Tensor, statistics: BatchStatistics, outputGradient dy: Tensor) -> Tensor {
    let g = current.trainingBackward(input: x, statistics: statistics, outputGradient: dy)
    gamma?.accumulate(g.gamma)
    beta.accumulate(g.beta)
    return g.input
  }
}
