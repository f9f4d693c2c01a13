import RealModule

/// Backward of the S3D-G feature gate.
extension SelfGating {
  /// Backward of `y = x · sigmoid(W · mean(x) + b)`: `(dL/dx, dL/dW [c, c], dL/db [c] or nil)`;
  /// needs the forward's input `x` `[n, c, ...]` (the means and gates are recomputed).
  ///
  /// With `m = mean(x)`, `g = sigmoid(W·m + b)` and `dz = Σ_plane(dy · x) · g · (1 − g)` per sample:
  /// `dW = Σ_n dz ⊗ m`, `db = Σ_n dz`, `dx = dy · g + (Wᵀ dz) / plane`. Two passes over the data.
  public func backward(input x: Tensor, outputGradient dy: Tensor) -> (
    input: Tensor, weight: Tensor, bias: Tensor?
  ) {
    precondition(x.rank >= 2 && x.shape[1] == channels, "SelfGating.backward: input \(x.shape)")
    precondition(dy.shape == x.shape, "SelfGating.backward: gradient \(dy.shape), input \(x.shape)")
    let (n, c) = (x.shape[0], channels)
    let plane = x.count / max(n * c, 1)
    let dx = Tensor(uninitializedShape: x.shape)
    var dW = Tensor(shape: [c, c])
    var dB = [Float](repeating: 0, count: c)
    var means = [Float](repeating: 0, count: c)
    var gates = [Float](repeating: 0, count: c)
    var dz = [Float](repeating: 0, count: c)
    var dMean = [Float](repeating: 0, count: c)
    let b = bias?.scalars
    for s in 0..<n {
      let offset = s * c * plane
      // Pass 1: means and Σ dy·x per channel.
      means.withUnsafeMutableBufferPointer { m in
        dz.withUnsafeMutableBufferPointer { d in
          let box = UncheckedSendable(
            (x.storage.base + offset, dy.storage.base + offset, m.baseAddress!, d.baseAddress!))
          Compute.parallelFor(c) { ch in
            let (xs, gs, m, d) = box.value
            let (sum, product) = ChannelSums.sums(xs + ch * plane, gs + ch * plane, count: plane, shift: 0)
            // sums(g, x) gives (Σ g, Σ g·x); here g is x and x is dy: (Σ x, Σ x·dy).
            m[ch] = Float(sum / Double(max(plane, 1)))
            d[ch] = Float(product)
          }
        }
      }
      weight.withUnsafeBufferPointer { w in
        means.withUnsafeBufferPointer { m in
          gates.withUnsafeMutableBufferPointer { g in
            Compute.gemv(m: c, n: c, a: w.baseAddress!, lda: c, x: m.baseAddress!, y: g.baseAddress!)
          }
        }
      }
      for ch in 0..<c {
        let g = 1 / (1 + Float.exp(-(gates[ch] + (b?[ch] ?? 0))))
        gates[ch] = g
        dz[ch] *= g * (1 - g)
        dB[ch] += dz[ch]
      }
      // dW += dz ⊗ m;  dMean = Wᵀ dz / plane.
      dMean.withUnsafeMutableBufferPointer { dm in
        dm.update(repeating: 0)
        dW.withUnsafeMutableBufferPointer { gw in
          weight.withUnsafeBufferPointer { w in
            for i in 0..<c {
              let (row, wRow, k) = (gw.baseAddress! + i * c, w.baseAddress! + i * c, dz[i])
              for j in 0..<c {
                row[j] += k * means[j]
                dm[j] += k * wRow[j]
              }
            }
          }
        }
        let inverse = 1 / Float(max(plane, 1))
        for j in 0..<c { dm[j] *= inverse }
      }
      // Pass 2: dx = dy · g + dMean.
      gates.withUnsafeBufferPointer { g in
        dMean.withUnsafeBufferPointer { dm in
          let box = UncheckedSendable(
            (dy.storage.base + offset, dx.storage.base + offset, g.baseAddress!, dm.baseAddress!))
          Compute.parallelFor(c) { ch in
            let (gs, out, g, dm) = box.value
            let (from, to, k, a) = (gs + ch * plane, out + ch * plane, g[ch], dm[ch])
            for i in 0..<plane { to[i] = from[i] * k + a }
          }
        }
      }
    }
    withExtendedLifetime((x, dy)) {}
    return (dx, dW, bias == nil ? nil : Tensor(shape: [c], scalars: dB))
  }
}
