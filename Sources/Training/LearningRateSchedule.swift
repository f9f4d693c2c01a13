import Foundation

/// Learning rate per step: linear warm-up from `warmupFactor · base` to `base` over `warmupSteps`,
/// then either steps (×`gamma` at each of `milestones`) or a cosine decay to 0 at `totalSteps`.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
  /// What follows the warm-up.
  public enum Decay: Sendable, Equatable, Codable {
    /// Multiply by `gamma` at each listed step (0-based step counts).
    case steps(milestones: [Int], gamma: Float)
    /// `base · (1 + cos(π · t)) / 2` with `t` the fraction of the post-warm-up steps done.
    case cosine
  }

  /// Peak learning rate.
  public var base: Float
  /// Warm-up steps (0: none).
  public var warmupSteps: Int
  /// Learning rate at step 0 as a fraction of `base`.
  public var warmupFactor: Float
  /// Decay after warm-up.
  public var decay: Decay
  /// Steps of the whole run (for the cosine).
  public var totalSteps: Int

  /// A schedule.
  public init(base: Float, warmupSteps: Int, warmupFactor: Float = 0.001, decay: Decay, totalSteps: Int) {
    self.base = base
    self.warmupSteps = warmupSteps
    self.warmupFactor = warmupFactor
    self.decay = decay
    self.totalSteps = totalSteps
  }

  /// The learning rate of 0-based `step`.
  public func rate(atStep step: Int) -> Float {
    if step < warmupSteps {
      let t = Float(step) / Float(warmupSteps)
      return base * (warmupFactor + (1 - warmupFactor) * t)
    }
    switch decay {
    case .steps(let milestones, let gamma):
      return base * pow(gamma, Float(milestones.count { step >= $0 }))
    case .cosine:
      let span = max(1, totalSteps - warmupSteps)
      let t = min(1, Float(step - warmupSteps) / Float(span))
      return base * 0.5 * (1 + cos(Float.pi * t))
    }
  }
}
