/// dL/dW of 3×1×1 stride-1 kernels through Winograd F(4, 3) along time (``TemporalWinograd``).
///
/// The forward computes every 4 output steps as `y = Aᵀ [U ⊙ V]` with `U[e] = Σ_l G[e][l] W_l` and
/// `V = Bᵀ d` (six input slices), so `dL/dU[e] = Σ (A dy)[e] · V[e]ᵀ` over tiles and positions (6 GEMMs
/// `[out × columns] · [columns × in]` per chunk, on S3D-G's 10-step maps 18 column slices instead of the
/// direct route's 28) and `dL/dW_l = Σ_e G[e][l] dL/dU[e]`. Output steps beyond the map are zero in `dy`.
extension Convolution {
  /// Whether dL/dW takes the temporal Winograd route: the forward's rule for it (`TemporalWinograd.pays`),
  /// or any 3×1×1 stride-1 kernel when `force` is set and the route is enabled.
  func temporalWinogradWeightGradientApplies(_ g: ConvGeometry, force: Bool) -> Bool {
    guard isTemporal(g) && g.t.kernel == 3 && g.t.stride == 1 && TemporalWinograd.enabled else {
      return false
    }
    return force || TemporalWinograd.pays(g.t, inputChannels: g.c, outputChannels: outputChannels)
  }

  /// dL/dW `[out, in, 3, 1, 1]` from the six products `dU[e][o][c]` summed over chunks of positions.
  func temporalWinogradWeightGradient(
    _ x: Tensor, _ dy: Tensor, _ g: ConvGeometry, into dW: UnsafeMutablePointer<Float>
  ) {
    let (o, c, p) = (outputChannels, g.c, TemporalWinograd.points)
    let hw = g.h.input * g.w.input
    let tiles = (g.t.output + TemporalWinograd.tile - 1) / TemporalWinograd.tile
    // The forward's input transform, one sample at a time (dst and epilogue are not used).
    let step = { (n: Int) in
      ConvStep(
        g: g, src: x.storage.base + n * c * g.inputPlane, dst: dy.storage.base,
        weight: self.weight.storage.base,
        taps: nil, outputChannels: o,
        epilogue: Epilogue(dst: dy.storage.base, plane: 0, channels: 0, bias: nil, residual: nil, relu: false)
      )
    }
    // Positions per chunk: GEMMs at least 3072 columns wide (as in the forward).
    let chunk = min(hw, (3072 / tiles + 15) / 16 * 16)
    let grad = UnsafePointer(dy.storage.base)
    let du = TensorStorage(count: p * o * c)
    Self.accumulate(total: g.n * hw, minimum: 256, rows: o, size: p * o * c, into: du.base) {
      range, channels, acc in
      let width = min(chunk, range.count)
      let v = TensorStorage(count: c * p * tiles * width)
      let z = TensorStorage(count: channels.count * p * tiles * width)
      let zeros = TensorStorage(count: width)
      zeros.base.update(repeating: 0, count: width)
      Self.forEachSample(range, plane: hw) { n, positions in
        let sample = step(n)
        var a = positions.lowerBound
        while a < positions.upperBound {
          let count = min(width, positions.upperBound - a)
          let columns = tiles * count
          sample.temporalInputTransform(
            into: v.base, zeros: zeros.base, position: a, count: count, tiles: tiles)
          temporalGradientTransform(
            grad + n * o * g.outputPlane, g, into: z.base, zeros: zeros.base, channels: channels, position: a,
            count: count, tiles: tiles)
          for e in 0..<p {
            Compute.serialGemm(
              m: channels.count, n: c, k: columns, a: z.base + e * channels.count * columns, lda: columns,
              transposeA: false, b: v.base + e * c * columns, ldb: columns, transposeB: true, beta: 1,
              c: acc + (e * o + channels.lowerBound) * c, ldc: c,
              precision: Compute.winogradPrecision)
          }
          a += count
        }
      }
      withExtendedLifetime((v, z, zeros)) {}
    }
    // dW_l = Σ_e G[e][l] dU[e], tap-major, then into the weight's layout [out, in, 3].
    let count = o * c
    let taps = TensorStorage(count: 3 * count)
    let (sums, t) = (UnsafePointer(du.base), taps.base)
    let gm = Winograd.g
    for l in 0..<3 {
      let (g0, g1, g2, g3, g4, g5) = (gm[0][l], gm[1][l], gm[2][l], gm[3][l], gm[4][l], gm[5][l])
      let row = t + l * count
      for pair in 0..<count {
        let u = { (e: Int) in Double(sums[e * count + pair]) }
        row[pair] = Float(g0 * u(0) + g1 * u(1) + g2 * u(2) + g3 * u(3) + g4 * u(4) + g5 * u(5))
      }
    }
    for pair in 0..<count {
      for l in 0..<3 { dW[pair * 3 + l] = t[l * count + pair] }
    }
    withExtendedLifetime((x, dy, du, taps)) {}
  }

  /// `Z[e][ch][tile · count + j] = (A dy)[e]` for output channels `channels` (rows counted from the
  /// first), with `dy` the four output steps of the tile at positions `position + j` of one sample
  /// (zero beyond the output).
  private func temporalGradientTransform(
    _ dy: UnsafePointer<Float>, _ g: ConvGeometry, into z: UnsafeMutablePointer<Float>,
    zeros: UnsafePointer<Float>, channels: Range<Int>, position: Int, count: Int, tiles: Int
  ) {
    let hw = g.h.input * g.w.input
    let columns = tiles * count
    let stride = channels.count * columns
    for ch in channels {
      let plane = dy + ch * g.outputPlane + position
      let slice = { (t: Int) -> UnsafePointer<Float> in t < g.t.output ? plane + t * hw : zeros }
      for tile in 0..<tiles {
        let t0 = tile * TemporalWinograd.tile
        let out = z + (ch - channels.lowerBound) * columns + tile * count
        let (y0, y1, y2, y3) = (slice(t0), slice(t0 + 1), slice(t0 + 2), slice(t0 + 3))
        let (o0, o1, o2) = (out, out + stride, out + 2 * stride)
        let (o3, o4, o5) = (out + 3 * stride, out + 4 * stride, out + 5 * stride)
        for j in 0..<count {
          (o0[j], o1[j], o2[j], o3[j], o4[j], o5[j]) = Self.gradientColumn(y0[j], y1[j], y2[j], y3[j])
        }
      }
    }
  }
}
