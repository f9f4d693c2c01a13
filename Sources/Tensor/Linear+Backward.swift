/// Backward of the fully connected layer.
extension Linear {
  /// Backward of `y = x · Wᵀ + b`: `(dL/dx [n, in], dL/dW [out, in], dL/db [out] or nil)`; needs
  /// the forward's input `x` `[n, in]`.
  ///
  /// `dx = dy · W` and `dW = dyᵀ · x` are GEMMs; `db` is the column sum of `dy`.
  public func backward(input x: Tensor, outputGradient dy: Tensor) -> (
    input: Tensor, weight: Tensor, bias: Tensor?
  ) {
    let (out, inp) = (weight.shape[0], weight.shape[1])
    precondition(x.rank == 2 && x.shape[1] == inp, "Linear.backward: input \(x.shape), [n, \(inp)] expected")
    let n = x.shape[0]
    precondition(dy.shape == [n, out], "Linear.backward: gradient \(dy.shape), [\(n), \(out)] expected")
    let dx = Tensor(uninitializedShape: [n, inp])
    let dW = Tensor(uninitializedShape: [out, inp])
    // dyᵀ [out, n], for dW = dyᵀ · x and the bias sums.
    let dyT = Tensor(uninitializedShape: [out, n])
    for r in 0..<n {
      for o in 0..<out { dyT.storage.base[o * n + r] = dy.storage.base[r * out + o] }
    }
    Compute.gemm(
      m: n, n: inp, k: out, a: dy.storage.base, lda: out, b: weight.storage.base, ldb: inp,
      c: dx.storage.base,
      ldc: inp)
    Compute.gemm(
      m: out, n: inp, k: n, a: dyT.storage.base, lda: n, b: x.storage.base, ldb: inp, c: dW.storage.base,
      ldc: inp)
    var dB: Tensor?
    if bias != nil {
      dB = Tensor(shape: [out], scalars: (0..<out).map { Reduce.sum(dyT.storage.base + $0 * n, count: n) })
    }
    withExtendedLifetime((x, dy, dyT, weight)) {}
    return (dx, dW, dB)
  }
}
