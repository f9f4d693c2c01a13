/// Batch norm with each sample's own statistics: what a training-mode batch norm computes at batch 1.
///
/// A network trained with batch statistics, one sample per forward, has only ever seen every
/// activation normalised by that sample's own mean and variance; the running averages it also keeps
/// describe a different function. Running it this way at inference is that training forward exactly
/// (same moments, same arithmetic: ``trainingForward(_:)`` on a one-sample batch gives the same bits).
extension BatchNormParameters {
  /// Normalises every `(sample, channel)` plane of `x` `[n, c, ...]` with its own mean and biased
  /// variance, `y = act(gamma · (x − μ) / sqrt(σ² + ε) + beta [+ residual])`; the running `mean` /
  /// `variance` are not used. `residual` has the shape of `x`.
  public func perSampleForward(_ x: Tensor, residual: Tensor? = nil, activation: Activation = .identity)
    -> Tensor
  {
    precondition(x.rank >= 2 && x.shape[1] == channels, "BatchNorm.perSampleForward: input \(x.shape)")
    if let residual {
      precondition(
        residual.shape == x.shape, "BatchNorm.perSampleForward: residual \(residual.shape), \(x.shape)")
    }
    let (n, c) = (x.shape[0], channels)
    let plane = x.count / max(n * c, 1)
    precondition(plane > 0, "BatchNorm.perSampleForward: no elements per channel in \(x.shape)")
    let y = Tensor(uninitializedShape: x.shape)
    let g = gamma?.scalars
    let b = beta?.scalars
    let eps = epsilon
    let relu = activation == .relu
    let box = UncheckedSendable((x.storage.base, y.storage.base, residual?.storage.base))
    Compute.parallelFor(n * c) { index in
      let (src, dst, res) = box.value
      let ch = index % c
      let from = src + index * plane
      let to = dst + index * plane
      // The moments as trainingForward takes them (about the plane's first element).
      let shift = from[0]
      let (s1, s2) = ChannelSums.shiftedMoments(from, count: plane, shift: shift)
      let centred = s1 / Double(plane)
      let mu = Double(shift) + centred
      let sigma2 = max(s2 / Double(plane) - centred * centred, 0)
      let scale = Float(Double(g?[ch] ?? 1) / (sigma2 + Double(eps)).squareRoot())
      let offset = (b?[ch] ?? 0) - Float(mu) * scale
      for j in 0..<plane { to[j] = from[j] * scale + offset }
      if let res {
        let r = res + index * plane
        for j in 0..<plane { to[j] += r[j] }
      }
      if relu {
        for j in 0..<plane { to[j] = Swift.max(to[j], 0) }
      }
    }
    withExtendedLifetime((x, residual)) {}
    return y
  }
}
