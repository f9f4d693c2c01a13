import Networks
import Tensor

/// Stochastic gradient descent with momentum and weight decay, PyTorch's `torch.optim.SGD` rule:
/// `g ← grad + weightDecay·w`, `v ← momentum·v + g` (`v = g` on the first step), `w ← w − lr·v`.
///
/// Frozen parameters are skipped. The velocity of each parameter is kept by name, so it can be saved
/// and restored with a run's checkpoint.
public struct SGD {
  /// Momentum (0.9 in the TF Object Detection API's Faster R-CNN configs).
  public var momentum: Float
  /// L2 weight decay added to every gradient.
  public var weightDecay: Float
  /// Velocity per parameter name.
  public private(set) var velocity: [String: Tensor] = [:]

  /// An optimiser with the given momentum and weight decay.
  public init(momentum: Float = 0.9, weightDecay: Float = 0) {
    self.momentum = momentum
    self.weightDecay = weightDecay
  }

  /// Updates every unfrozen parameter of `parameters` with learning rate `learningRate`.
  public mutating func step(_ parameters: [Parameter], learningRate: Float) {
    for p in parameters where !p.isFrozen {
      var g = p.gradient
      let w = p.value
      let count = g.count
      let decay = weightDecay
      g.withUnsafeMutableBufferPointer { gp in
        w.withUnsafeBufferPointer { wp in
          if decay != 0 { for i in 0..<count { gp[i] += decay * wp[i] } }
        }
      }
      if momentum != 0 {
        if var v = velocity[p.name] {
          velocity[p.name] = nil
          let mu = momentum
          v.withUnsafeMutableBufferPointer { vp in
            g.withUnsafeBufferPointer { gp in for i in 0..<count { vp[i] = mu * vp[i] + gp[i] } }
          }
          g = v
        }
        velocity[p.name] = g
      }
      var updated = w
      updated.withUnsafeMutableBufferPointer { up in
        g.withUnsafeBufferPointer { gp in for i in 0..<count { up[i] -= learningRate * gp[i] } }
      }
      p.value = updated
    }
  }

  /// Restores a saved velocity (e.g. when a run resumes).
  public mutating func setVelocity(_ v: Tensor, for name: String) {
    velocity[name] = v
  }
}

/// Scales every unfrozen gradient so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`); returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
  var sum = 0.0
  for p in parameters where !p.isFrozen {
    p.gradient.withUnsafeBufferPointer { g in for x in g { sum += Double(x) * Double(x) } }
  }
  let norm = Float(sum.squareRoot())
  if norm > maxNorm && norm > 0 {
    let factor = maxNorm / norm
    for p in parameters where !p.isFrozen {
      var g = p.gradient
      g.scale(by: factor)
      p.setGradient(g)
    }
  }
  return norm
}
