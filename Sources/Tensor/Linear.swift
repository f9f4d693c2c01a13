/// Fully connected layer `y = x · Wᵀ + b` on `[n, in]` input; weight `[out, in]`, bias `[out]`.
public struct Linear: Sendable {
  /// Weight `[out, in]` (PyTorch layout).
  public let weight: Tensor
  /// Bias `[out]`, or `nil`.
  public let bias: Tensor?

  /// A linear layer with a `[out, in]` weight and optional `[out]` bias.
  public init(weight: Tensor, bias: Tensor? = nil) {
    precondition(weight.rank == 2, "Linear: weight \(weight.shape), [out, in] expected")
    if let bias { precondition(bias.shape == [weight.shape[0]], "Linear: bias \(bias.shape)") }
    self.weight = weight
    self.bias = bias
  }

  /// Applies the layer to `x` of shape `[n, in]`, giving `[n, out]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let (out, inp) = (weight.shape[0], weight.shape[1])
    precondition(x.rank == 2 && x.shape[1] == inp, "Linear: input \(x.shape), [n, \(inp)] expected")
    let n = x.shape[0]
    let y = Tensor(uninitializedShape: [n, out])
    let b = bias?.scalars
    for r in 0..<n {
      Compute.gemv(
        m: out, n: inp, a: weight.storage.base, lda: inp, x: x.storage.base + r * inp,
        y: y.storage.base + r * out)
      if let b { for o in 0..<out { y.storage.base[r * out + o] += b[o] } }
    }
    withExtendedLifetime((x, weight)) {}
    return y
  }
}
