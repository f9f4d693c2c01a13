/// What a training-mode batch norm keeps for its backward: the batch statistics per channel.
public struct BatchStatistics: Sendable {
  /// Batch mean `[c]`.
  public var mean: Tensor
  /// Biased batch variance `[c]` (divided by `elementsPerChannel`; what the output was normalised with).
  public var variance: Tensor
  /// Elements averaged per channel, `m = n · T · H · W`.
  public var elementsPerChannel: Int

  /// A set of batch statistics.
  public init(mean: Tensor, variance: Tensor, elementsPerChannel: Int) {
    precondition(
      mean.rank == 1 && variance.shape == mean.shape, "BatchStatistics: \(mean.shape), \(variance.shape)")
    self.mean = mean
    self.variance = variance
    self.elementsPerChannel = elementsPerChannel
  }

  /// `variance · m / (m − 1)` (the biased variance when `m = 1`): what PyTorch's running-variance
  /// update uses.
  public var unbiasedVariance: Tensor {
    let m = elementsPerChannel
    var v = variance
    if m > 1 { v.scale(by: Float(Double(m) / Double(m - 1))) }
    return v
  }
}

/// Training-mode and frozen batch norm, forward and backward.
///
/// Training mode normalises with the batch's own statistics, `y = gamma · (x − μ_B) / sqrt(σ²_B + ε) + beta`;
/// its backward needs the forward's input `x` and the ``BatchStatistics`` it returned. Frozen mode
/// (torchvision `FrozenBatchNorm2d`, TF OD API `freeze_batchnorm`) is the inference
/// `callAsFunction`; its backward needs nothing from the forward. Both work on `[n, c, ...]`, one
/// channel per task, each direction in two passes over the data.
extension BatchNormParameters {
  /// Training mode: normalises `x` `[n, c, ...]` with its own batch statistics (`gamma`, `beta` and
  /// `epsilon` from `self`; the running `mean` / `variance` are not used).
  public func trainingForward(_ x: Tensor) -> (output: Tensor, statistics: BatchStatistics) {
    precondition(x.rank >= 2 && x.shape[1] == channels, "BatchNorm.trainingForward: input \(x.shape)")
    let (n, c) = (x.shape[0], channels)
    let plane = x.count / max(n * c, 1)
    let m = n * plane
    precondition(m > 0, "BatchNorm.trainingForward: no elements per channel in \(x.shape)")
    let y = Tensor(uninitializedShape: x.shape)
    let mean = Tensor(uninitializedShape: [c])
    let variance = Tensor(uninitializedShape: [c])
    let g = gamma?.scalars
    let b = beta?.scalars
    let eps = epsilon
    let box = UncheckedSendable((x.storage.base, y.storage.base, mean.storage.base, variance.storage.base))
    Compute.parallelFor(c) { ch in
      let (src, dst, meanOut, varianceOut) = box.value
      // Pass 1: moments about the channel's first element (avoids cancellation for offset data).
      let shift = src[ch * plane]
      var s1 = 0.0
      var s2 = 0.0
      for i in 0..<n {
        let (a, b) = ChannelSums.shiftedMoments(src + (i * c + ch) * plane, count: plane, shift: shift)
        s1 += a
        s2 += b
      }
      let centred = s1 / Double(m)
      let mu = Double(shift) + centred
      let sigma2 = max(s2 / Double(m) - centred * centred, 0)
      meanOut[ch] = Float(mu)
      varianceOut[ch] = Float(sigma2)
      // Pass 2: y = a·x + b'.
      let scale = Float(Double(g?[ch] ?? 1) / (sigma2 + Double(eps)).squareRoot())
      let offset = (b?[ch] ?? 0) - Float(mu) * scale
      for i in 0..<n {
        let (from, to) = (src + (i * c + ch) * plane, dst + (i * c + ch) * plane)
        for j in 0..<plane { to[j] = from[j] * scale + offset }
      }
    }
    withExtendedLifetime(x) {}
    return (y, BatchStatistics(mean: mean, variance: variance, elementsPerChannel: m))
  }

  /// Backward of ``trainingForward(_:)``: `(dL/dx, dL/dgamma [c], dL/dbeta [c])` (the parameter
  /// gradients are returned even when `gamma` or `beta` is `nil`); needs the forward's input `x`.
  ///
  /// With `x̂ = (x − μ)/σ`, `dbeta = Σ dy`, `dgamma = Σ dy·x̂`,
  /// `dx = gamma/σ · (dy − dbeta/m − x̂ · dgamma/m)`.
  public func trainingBackward(
    input x: Tensor, statistics: BatchStatistics, outputGradient dy: Tensor
  ) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
    precondition(x.rank >= 2 && x.shape[1] == channels, "BatchNorm.trainingBackward: input \(x.shape)")
    precondition(dy.shape == x.shape, "BatchNorm.trainingBackward: gradient \(dy.shape), input \(x.shape)")
    precondition(
      statistics.mean.shape == [channels],
      "BatchNorm.trainingBackward: statistics for \(statistics.mean.shape)")
    let (n, c) = (x.shape[0], channels)
    let plane = x.count / max(n * c, 1)
    let m = Double(n * plane)
    let dx = Tensor(uninitializedShape: x.shape)
    let dGamma = Tensor(uninitializedShape: [c])
    let dBeta = Tensor(uninitializedShape: [c])
    let g = gamma?.scalars
    let eps = Double(epsilon)
    let box = UncheckedSendable(
      (
        x.storage.base, dy.storage.base, dx.storage.base, dGamma.storage.base, dBeta.storage.base,
        statistics.mean.storage.base, statistics.variance.storage.base
      ))
    Compute.parallelFor(c) { ch in
      let (src, grad, dst, dGammaOut, dBetaOut, means, variances) = box.value
      let mu = means[ch]
      let invStd = 1 / (Double(variances[ch]) + eps).squareRoot()
      // Pass 1: Σ dy and Σ dy·(x − μ).
      var sumDy = 0.0
      var sumDyX = 0.0
      for i in 0..<n {
        let offset = (i * c + ch) * plane
        let (a, b) = ChannelSums.sums(grad + offset, src + offset, count: plane, shift: mu)
        sumDy += a
        sumDyX += b
      }
      let gammaValue = Double(g?[ch] ?? 1)
      dBetaOut[ch] = Float(sumDy)
      dGammaOut[ch] = Float(sumDyX * invStd)
      // Pass 2: dx = a·dy − p·x + q.
      let a = gammaValue * invStd
      let p = a * invStd * invStd * sumDyX / m
      let q = -a * sumDy / m + p * Double(mu)
      let (af, pf, qf) = (Float(a), Float(p), Float(q))
      for i in 0..<n {
        let offset = (i * c + ch) * plane
        let (gy, xs, out) = (grad + offset, src + offset, dst + offset)
        for j in 0..<plane { out[j] = af * gy[j] - pf * xs[j] + qf }
      }
    }
    withExtendedLifetime((x, dy, statistics)) {}
    return (dx, dGamma, dBeta)
  }

  /// Input gradient of the frozen batch norm (the inference `callAsFunction`): `dy · scale` per
  /// channel, `scale = gamma / sqrt(variance + epsilon)`.
  public func frozenBackward(outputGradient dy: Tensor) -> Tensor {
    precondition(dy.rank >= 2 && dy.shape[1] == channels, "BatchNorm.frozenBackward: gradient \(dy.shape)")
    let scale = affine().scale
    let rows = dy.shape[0] * channels
    let plane = dy.count / max(rows, 1)
    let dx = Tensor(uninitializedShape: dy.shape)
    let c = channels
    scale.withUnsafeBufferPointer { s in
      let box = UncheckedSendable((dy.storage.base, dx.storage.base, s.baseAddress!))
      Compute.parallelFor(rows) { r in
        let (from, to, s) = box.value
        let k = s[r % c]
        for j in 0..<plane { to[r * plane + j] = from[r * plane + j] * k }
      }
    }
    withExtendedLifetime(dy) {}
    return dx
  }

  /// Moves the running statistics towards the batch's: `new = (1 − momentum) · old + momentum · batch`
  /// (PyTorch's convention, momentum 0.1 by default there; the variance update uses the unbiased
  /// batch variance).
  public mutating func updateRunningStatistics(with statistics: BatchStatistics, momentum: Float) {
    precondition(
      statistics.mean.shape == mean.shape,
      "BatchNorm.updateRunningStatistics: \(statistics.mean.shape), \(mean.shape)")
    let batchMean = statistics.mean.scalars
    let batchVariance = statistics.unbiasedVariance.scalars
    mean.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] = (1 - momentum) * p[i] + momentum * batchMean[i] }
    }
    variance.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] = (1 - momentum) * p[i] + momentum * batchVariance[i] }
    }
  }
}

/// Vectorised per-channel sums: `SIMD16` lanes over blocks of 4096 elements, each block flushed to
/// `Double` (so a 10⁶-element channel keeps float64-like accuracy).
enum ChannelSums {
  /// Elements per `Float` block before its partial sums go to `Double`.
  static let block = 4096

  /// `(Σ (x − shift), Σ (x − shift)²)` over `count` elements.
  static func shiftedMoments(_ p: UnsafePointer<Float>, count: Int, shift: Float) -> (Double, Double) {
    let raw = UnsafeRawPointer(p)
    let k = SIMD16<Float>(repeating: shift)
    var (s1, s2) = (0.0, 0.0)
    var i = 0
    while i + 16 <= count {
      let end = i + min(block, count - i) / 16 * 16
      var (a1, a2) = (SIMD16<Float>(), SIMD16<Float>())
      while i < end {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - k
        a1 += v
        a2 += v * v
        i += 16
      }
      s1 += Double(a1.sum())
      s2 += Double(a2.sum())
    }
    while i < count {
      let v = Double(p[i] - shift)
      s1 += v
      s2 += v * v
      i += 1
    }
    return (s1, s2)
  }

  /// `(Σ g, Σ g · (x − shift))` over `count` elements.
  static func sums(
    _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, shift: Float
  ) -> (Double, Double) {
    let (rg, rx) = (UnsafeRawPointer(g), UnsafeRawPointer(x))
    let k = SIMD16<Float>(repeating: shift)
    var (s1, s2) = (0.0, 0.0)
    var i = 0
    while i + 16 <= count {
      let end = i + min(block, count - i) / 16 * 16
      var (a1, a2) = (SIMD16<Float>(), SIMD16<Float>())
      while i < end {
        let gv = rg.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - k
        a1 += gv
        a2 += gv * xv
        i += 16
      }
      s1 += Double(a1.sum())
      s2 += Double(a2.sum())
    }
    while i < count {
      s1 += Double(g[i])
      s2 += Double(g[i]) * Double(x[i] - shift)
      i += 1
    }
    return (s1, s2)
  }
}
