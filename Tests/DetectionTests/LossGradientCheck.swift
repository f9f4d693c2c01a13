import Tensor

/// Central finite differences of a loss at every element of `x`, compared with `analytic`
/// (adapted from Tests/TensorTests/GradientCheck.swift for the small tensors of the loss tests).
///
/// `loss` returns the scalar in `Double`; each numerical derivative is
/// `(loss(x + ε eᵢ) − loss(x − ε eᵢ)) / 2ε`. Returns `max |analytic − numerical|` over all elements
/// divided by `max(max |analytic|, floor)`. Smooth-L1's kink at `|d| = beta` makes a probe that
/// straddles it wrong: the tests keep deltas and targets apart.
func lossGradientError(
  at x: Tensor, analytic: Tensor, epsilon: Float = 1e-2, floor: Float = 1e-3, loss: (Tensor) -> Double
) -> Float {
  precondition(x.shape == analytic.shape, "lossGradientError: \(x.shape) vs gradient \(analytic.shape)")
  let a = analytic.scalars
  let scale = max(a.map { abs($0) }.max() ?? 0, floor)
  var worst: Float = 0
  for i in 0..<x.count {
    var plus = x
    var minus = x
    plus.withUnsafeMutableBufferPointer { $0[i] += epsilon }
    minus.withUnsafeMutableBufferPointer { $0[i] -= epsilon }
    let numerical = Float((loss(plus) - loss(minus)) / Double(2 * epsilon))
    worst = max(worst, abs(numerical - a[i]) / scale)
  }
  return worst
}
