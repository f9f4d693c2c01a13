import Networks
import Tensor

/// An optimiser whose state is saved with a run's checkpoint and restored exactly on resume.
public protocol Optimiser {
  /// Updates every unfrozen parameter of `parameters` with `learningRate`; `step` is the 1-based
  /// number of this update in the run.
  mutating func step(_ parameters: [Parameter], learningRate: Float, step: Int)
  /// The state to save, by key (`<kind>.<parameter name>`).
  var savedState: [String: Tensor] { get }
  /// Restores one entry of ``savedState``; false for a key this optimiser does not keep.
  mutating func restore(_ value: Tensor, key: String) -> Bool
}

/// Which optimiser a run uses.
public enum OptimiserKind: String, Sendable, Equatable, Codable, CaseIterable {
  /// ``SGD`` with momentum and L2 weight decay (the TF Object Detection API's choice for fine-tuning).
  case sgd
  /// ``AdamW`` (decoupled weight decay): learns a from-scratch detector's actions far sooner than SGD.
  case adamw
}

extension SGD: Optimiser {
  /// Momentum SGD; `step` is not needed.
  public mutating func step(_ parameters: [Parameter], learningRate: Float, step: Int) {
    self.step(parameters, learningRate: learningRate)
  }

  /// `velocity.<name>` per parameter.
  public var savedState: [String: Tensor] {
    Dictionary(uniqueKeysWithValues: velocity.map { ("velocity.\($0.key)", $0.value) })
  }

  /// Restores `velocity.<name>`.
  public mutating func restore(_ value: Tensor, key: String) -> Bool {
    guard key.hasPrefix("velocity.") else { return false }
    setVelocity(value, for: String(key.dropFirst("velocity.".count)))
    return true
  }
}
