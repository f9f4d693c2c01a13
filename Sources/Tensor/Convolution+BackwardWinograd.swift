/// dL/dW of 3×3 and 1×3×3 stride-1 kernels through Winograd F(4×4, 3×3).
///
/// The forward computes each 4×4 output block as `Y = Aᵀ [U ⊙ V] A` with `U = G g Gᵀ` and
/// `V = Bᵀ d B`, so per block `dL/dU = (A dY Aᵀ) ⊙ V` and `dL/dg = Gᵀ (Σ dL/dU) G`. Summed over input
/// channels and blocks that is 36 GEMMs `[out × tiles] · [tiles × in]` (a quarter of the
/// multiplications of `dY · colsᵀ`), the input transform being the forward's own. Output positions
/// beyond the map are zero in `dY`, so the result is exact up to rounding (a few times im2col's).
extension Convolution {
  /// Whether dL/dW takes the Winograd route: a 3×3 or 1×3×3 stride-1 kernel (the forward built
  /// transformed weights), no temporal padding, and the forward's size rule (`winogradPays`; with
  /// `TENSOR_WINOGRAD=1` or `force`, every such kernel). Measured at 20×25 with 256 channels and one
  /// sample (35 tiles, GEMMs split by output channels): 4.0–4.9 ms against im2col's 6.0–7.4 ms.
  func winogradWeightGradientApplies(_ g: ConvGeometry, force: Bool) -> Bool {
    guard winogradWeights != nil && g.t.padBefore == 0 && g.t.output == g.t.input else { return false }
    return force || Winograd.mode == 1 || winogradPays(g)
  }

  /// dL/dW `[out, in, (1,) 3, 3]` from the 36 products `dU[e][o][c]` summed over chunks of tile rows.
  func winogradWeightGradient(
    _ x: Tensor, _ dy: Tensor, _ g: ConvGeometry, into dW: UnsafeMutablePointer<Float>
  ) {
    let (o, c, e) = (outputChannels, g.c, Winograd.elements)
    let (th, tw) = ((g.h.output + 3) / 4, (g.w.output + 3) / 4)
    let totalRows = g.n * g.t.output * th
    // The forward's input transform, batched over samples (dst and epilogue are not used).
    var step = ConvStep(
      g: g, src: x.storage.base, dst: dy.storage.base, weight: weight.storage.base, taps: nil,
      outputChannels: o,
      epilogue: Epilogue(dst: dy.storage.base, plane: 0, channels: 0, bias: nil, residual: nil, relu: false))
    step.samples = g.n
    step.inputSampleStride = c * g.inputPlane
    // Tile rows per chunk: transformed input and gradient of a chunk fit about 6 MB.
    let perRow = (c + o) * e * tw * MemoryLayout<Float>.stride
    let chunkRows = max(1, (6 << 20) / max(perRow, 1), 256 / tw)
    let du = TensorStorage(count: e * o * c)
    let grad = UnsafePointer(dy.storage.base)
    Self.accumulate(total: totalRows, minimum: max(1, 256 / tw), rows: o, size: e * o * c, into: du.base) {
      tileRows, channels, acc in
      let chunk = min(chunkRows, tileRows.count)
      let v = TensorStorage(count: c * e * chunk * tw)
      let z = TensorStorage(count: channels.count * e * chunk * tw)
      var r0 = tileRows.lowerBound
      while r0 < tileRows.upperBound {
        let part = r0..<min(tileRows.upperBound, r0 + chunk)
        let tiles = part.count * tw
        step.inputTransform(into: v.base, channels: 0..<c, tileRows: part, tiles: tiles)
        gradientTransform(grad, g, into: z.base, channels: channels, tileRows: part, tiles: tiles)
        for k in 0..<e {
          Compute.serialGemm(
            m: channels.count, n: c, k: tiles, a: z.base + k * tiles, lda: e * tiles, transposeA: false,
            b: v.base + k * c * tiles, ldb: tiles, transposeB: true, beta: 1,
            c: acc + (k * o + channels.lowerBound) * c, ldc: c,
            precision: Compute.winogradPrecision)
        }
        r0 = part.upperBound
      }
      withExtendedLifetime((v, z)) {}
    }
    // dW = Gᵀ dU G, eight (out, in) pairs at a time, tap-major, then into the weight's layout.
    let count = o * c
    let taps = TensorStorage(count: 9 * count)
    let (sums, t) = (UnsafePointer(du.base), taps.base)
    let block = 1024
    Compute.parallelFor((count + block - 1) / block) { b in
      for start in Swift.stride(from: b * block, to: min(count, (b + 1) * block), by: 8) {
        let lanes = min(8, count - start)
        let row = { (i: Int) -> (Winograd.Lanes, Winograd.Lanes, Winograd.Lanes) in
          let q = sums + i * 6 * count + start
          return Self.inverseRows(
            (
              .load(q, lanes: lanes), .load(q + count, lanes: lanes), .load(q + 2 * count, lanes: lanes),
              .load(q + 3 * count, lanes: lanes), .load(q + 4 * count, lanes: lanes),
              .load(q + 5 * count, lanes: lanes)
            ))
        }
        let (r0, r1, r2, r3, r4, r5) = (row(0), row(1), row(2), row(3), row(4), row(5))
        let emit = { (kx: Int, column: (Winograd.Lanes, Winograd.Lanes, Winograd.Lanes)) in
          column.0.store(t + kx * count + start, lanes: lanes)
          column.1.store(t + (3 + kx) * count + start, lanes: lanes)
          column.2.store(t + (6 + kx) * count + start, lanes: lanes)
        }
        emit(0, Self.inverseRows((r0.0, r1.0, r2.0, r3.0, r4.0, r5.0)))
        emit(1, Self.inverseRows((r0.1, r1.1, r2.1, r3.1, r4.1, r5.1)))
        emit(2, Self.inverseRows((r0.2, r1.2, r2.2, r3.2, r4.2, r5.2)))
      }
    }
    Compute.parallelFor(o) { oc in
      for pair in (oc * c)..<((oc + 1) * c) {
        for k in 0..<9 { dW[pair * 9 + k] = t[k * count + pair] }
      }
    }
    withExtendedLifetime((x, dy, du, taps)) {}
  }

  /// `Z[o][e][tile] = (A dY Aᵀ)[e]` for output channels `channels` (rows counted from the first) and the tiles of `tileRows` (counted
  /// over samples, frames and tile rows; tile index from the first of `tileRows`), with `dY` zero
  /// outside the output map. `A` (6×4) is the transpose of the forward's `Aᵀ`.
  private func gradientTransform(
    _ dy: UnsafePointer<Float>, _ g: ConvGeometry, into z: UnsafeMutablePointer<Float>, channels: Range<Int>,
    tileRows: Range<Int>, tiles: Int
  ) {
    let (ho, wo) = (g.h.output, g.w.output)
    let (th, tw) = ((ho + 3) / 4, (wo + 3) / 4)
    let width = tw * 4
    let e = Winograd.elements
    // Four zero-padded gradient rows, then six vertically transformed rows.
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 10 * width)
    defer { buffer.deallocate() }
    let rowsIn = buffer
    let rowsT = buffer + 4 * width
    for ch in channels {
      let zc = z + (ch - channels.lowerBound) * e * tiles
      for r in tileRows {
        let (n, rest) = r.quotientAndRemainder(dividingBy: g.t.output * th)
        let (t, ty) = rest.quotientAndRemainder(dividingBy: th)
        let frame = dy + (n * outputChannels + ch) * g.outputPlane + t * ho * wo
        for k in 0..<4 {
          let row = rowsIn + k * width
          let y = ty * 4 + k
          if y >= ho {
            row.update(repeating: 0, count: width)
          } else {
            row.update(from: frame + y * wo, count: wo)
            if width > wo { (row + wo).update(repeating: 0, count: width - wo) }
          }
        }
        Self.transformGradient(rowsIn, into: rowsT, stride: width, count: width)
        let base = (r - tileRows.lowerBound) * tw
        for i in 0..<6 {
          let row = rowsT + i * width
          let o0 = zc + base + i * 6 * tiles
          let (o1, o2, o3, o4, o5) = (
            o0 + tiles, o0 + 2 * tiles, o0 + 3 * tiles, o0 + 4 * tiles, o0 + 5 * tiles
          )
          for tx in 0..<tw {
            let d = row + tx * 4
            (o0[tx], o1[tx], o2[tx], o3[tx], o4[tx], o5[tx]) = Self.gradientColumn(d[0], d[1], d[2], d[3])
          }
        }
      }
    }
  }

  /// `Gᵀ u`: the adjoint of the 1-D weight transform, six values to three taps.
  @inline(__always)
  static func inverseRows(_ u: Winograd.Rows) -> (Winograd.Lanes, Winograd.Lanes, Winograd.Lanes) {
    let (p, m) = (u.1 + u.2, u.3 + u.4)
    return (u.0 / 4 - p / 6 + m / 24, (u.2 - u.1) / 6 + (u.3 - u.4) / 12, (m - p) / 6 + u.5)
  }

  /// `A y` for four rows `y` (each `count` long, `stride` apart) into six rows (same stride):
  /// `y0`, `y0+y1+y2+y3`, `y0−y1+y2−y3`, `y0+2y1+4y2+8y3`, `y0−2y1+4y2−8y3`, `y3`.
  @inline(__always)
  private static func transformGradient(
    _ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, stride: Int, count: Int
  ) {
    let (y0, y1, y2, y3) = (y, y + stride, y + 2 * stride, y + 3 * stride)
    let (o0, o1, o2) = (out, out + stride, out + 2 * stride)
    let (o3, o4, o5) = (out + 3 * stride, out + 4 * stride, out + 5 * stride)
    for j in 0..<count {
      (o0[j], o1[j], o2[j], o3[j], o4[j], o5[j]) = gradientColumn(y0[j], y1[j], y2[j], y3[j])
    }
  }

  /// `A y` of one column of four output-gradient values (the adjoint of the output transform `Aᵀ`,
  /// shared by the 2-D and temporal weight gradients): `y0`, `y0+y1+y2+y3`, `y0−y1+y2−y3`,
  /// `y0+2y1+4y2+8y3`, `y0−2y1+4y2−8y3`, `y3`.
  @inline(__always)
  static func gradientColumn(_ y0: Float, _ y1: Float, _ y2: Float, _ y3: Float) -> (
    Float, Float, Float, Float, Float, Float
  ) {
    let (even, odd) = (y0 + y2, y1 + y3)
    let (even4, odd2) = (y0 + 4 * y2, 2 * y1 + 8 * y3)
    return (y0, even + odd, even - odd, even4 + odd2, even4 - odd2, y3)
  }
}
