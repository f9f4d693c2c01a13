import Networks
import Tensor

/// Adam with decoupled weight decay, PyTorch's `torch.optim.AdamW` rule (Loshchilov & Hutter 2019),
/// at update `t`: `w ← w·(1 − lr·weightDecay)`, `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`,
/// `w ← w − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)`.
///
/// Frozen parameters are skipped. Both moments are kept by parameter name (`adam_m.<name>`,
/// `adam_v.<name>` in a run's state).
public struct AdamW: Optimiser {
  /// Decay of the first moment (a double, as PyTorch's: `1 − β` is taken before rounding to float).
  public var beta1: Double
  /// Decay of the second moment.
  public var beta2: Double
  /// Added to the denominator.
  public var epsilon: Float
  /// Decoupled weight decay (multiplied by the learning rate).
  public var weightDecay: Float
  /// First moments by parameter name.
  public private(set) var firstMoment: [String: Tensor] = [:]
  /// Second moments by parameter name.
  public private(set) var secondMoment: [String: Tensor] = [:]

  /// An optimiser with PyTorch's defaults for the betas and epsilon.
  public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// Updates every unfrozen parameter (`step` ≥ 1 sets the bias corrections).
  public mutating func step(_ parameters: [Parameter], learningRate lr: Float, step: Int) {
    precondition(step >= 1, "AdamW: step \(step), 1-based expected")
    let (b1, b2, eps) = (Float(beta1), Float(beta2), epsilon)
    // 1 − β in double, then float (PyTorch's Python-float weights): 1 − 0.999 in float is 1.3e-5 off.
    let (c1, c2) = (Float(1 - beta1), Float(1 - beta2))
    let correction1 = Float(1 - beta1.power(step))
    let root2 = Float((1 - beta2.power(step)).squareRoot())
    let stepSize = lr / correction1
    let shrink = 1 - lr * weightDecay
    for p in parameters where !p.isFrozen {
      let g = p.gradient
      let count = g.count
      var m = firstMoment.removeValue(forKey: p.name) ?? Tensor(shape: p.shape)
      var v = secondMoment.removeValue(forKey: p.name) ?? Tensor(shape: p.shape)
      var w = p.value
      w.withUnsafeMutableBufferPointer { wp in
        m.withUnsafeMutableBufferPointer { mp in
          v.withUnsafeMutableBufferPointer { vp in
            g.withUnsafeBufferPointer { gp in
              for i in 0..<count {
                wp[i] *= shrink
                mp[i] = b1 * mp[i] + c1 * gp[i]
                vp[i] = b2 * vp[i] + c2 * gp[i] * gp[i]
                wp[i] -= stepSize * mp[i] / (vp[i].squareRoot() / root2 + eps)
              }
            }
          }
        }
      }
      p.value = w
      firstMoment[p.name] = m
      secondMoment[p.name] = v
    }
  }

  /// `adam_m.<name>` and `adam_v.<name>` per parameter.
  public var savedState: [String: Tensor] {
    var state: [String: Tensor] = [:]
    for (name, m) in firstMoment { state["adam_m.\(name)"] = m }
    for (name, v) in secondMoment { state["adam_v.\(name)"] = v }
    return state
  }

  /// Restores `adam_m.<name>` or `adam_v.<name>`.
  public mutating func restore(_ value: Tensor, key: String) -> Bool {
    if key.hasPrefix("adam_m.") {
      firstMoment[String(key.dropFirst("adam_m.".count))] = value
    } else if key.hasPrefix("adam_v.") {
      secondMoment[String(key.dropFirst("adam_v.".count))] = value
    } else {
      return false
    }
    return true
  }
}

extension Double {
  /// `self` to the integer power `n` ≥ 0 (repeated squaring, the same on every platform).
  fileprivate func power(_ n: Int) -> Double {
    var (result, base, e) = (1.0, self, n)
    while e > 0 {
      if e & 1 == 1 { result *= base }
      base *= base
      e >>= 1
    }
    return result
  }
}
