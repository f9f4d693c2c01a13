import CKernelsBF16

/// Winograd F(4×4, 3×3) (Lavin & Gray 2015) for 3×3 and 1×3×3 stride-1 convolutions.
///
/// Each 4×4 block of outputs (per time slice) comes from a 6×6 input tile: `Y = Aᵀ [U ⊙ V] A` with
/// `U = G g Gᵀ` (weights, transformed once at construction) and `V = Bᵀ d B` (input tile). The
/// element-wise products summed over input channels are 36 GEMMs `[out × in] · [in × tiles]`.
/// Matrices (points 0, ±1, ±2, ∞):
///
///     Bᵀ = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
///     G  = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
///     Aᵀ = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
enum Winograd {
  /// Output tile edge.
  static let tile = 4
  /// Input tile edge (`tile + 2`).
  static let inputTile = 6
  /// Transformed elements per tile (6 × 6).
  static let elements = 36

  /// Whether the route may be used: `TENSOR_WINOGRAD=0` disables it, `TENSOR_WINOGRAD=1` uses it
  /// for every eligible layer regardless of size (benchmarks and measurements).
  static let mode = EnvironmentSwitch.value("TENSOR_WINOGRAD")

  /// The 1-D weight transform `G` (6×3) of F(4, 3), shared with ``TemporalWinograd``.
  static let g: [[Double]] = [
    [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
    [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
  ]

  /// `o = Bᵀ d` element-wise over `count` values: the 1-D input transform of F(4, 3) applied to six
  /// input rows (vectorisable row combinations).
  @inline(__always)
  static func transformInput(
    _ d0: UnsafePointer<Float>, _ d1: UnsafePointer<Float>, _ d2: UnsafePointer<Float>,
    _ d3: UnsafePointer<Float>, _ d4: UnsafePointer<Float>, _ d5: UnsafePointer<Float>,
    into o: UnsafeMutablePointer<Float>, stride: Int, count: Int
  ) {
    let (o0, o1, o2) = (o, o + stride, o + 2 * stride)
    let (o3, o4, o5) = (o + 3 * stride, o + 4 * stride, o + 5 * stride)
    for j in 0..<count {
      let (a1, a2, a3, a4) = (d1[j], d2[j], d3[j], d4[j])
      o0[j] = 4 * d0[j] - 5 * a2 + a4
      o1[j] = -4 * (a1 + a2) + a3 + a4
      o2[j] = 4 * (a1 - a2) - a3 + a4
      o3[j] = 2 * (a3 - a1) - a2 + a4
      o4[j] = 2 * (a1 - a3) - a2 + a4
      o5[j] = 4 * a1 - 5 * a3 + d5[j]
    }
  }

  /// `Aᵀ` applied across six rows of `count` values: output `k` goes to `out + k * stride`.
  @inline(__always)
  static func transformOutput(
    _ m0: UnsafePointer<Float>, _ m1: UnsafePointer<Float>, _ m2: UnsafePointer<Float>,
    _ m3: UnsafePointer<Float>, _ m4: UnsafePointer<Float>, _ m5: UnsafePointer<Float>,
    into out: UnsafeMutablePointer<Float>, stride: Int, count: Int
  ) {
    let (o0, o1, o2, o3) = (out, out + stride, out + 2 * stride, out + 3 * stride)
    for x in 0..<count {
      let (a, bb) = (m1[x] + m2[x], m1[x] - m2[x])
      let (c, d) = (m3[x] + m4[x], m3[x] - m4[x])
      o0[x] = m0[x] + a + c
      o1[x] = bb + 2 * d
      o2[x] = a + 4 * c
      o3[x] = bb + 8 * d + m5[x]
    }
  }

  /// Transformed weights `[36, out, in]` of a `[out, in, (1,) 3, 3]` weight: `U = G g Gᵀ` per
  /// (out, in) pair, in `Double`, rounded once.
  ///
  /// The taps are first gathered tap-major (`[9, out·in]`), so the transform runs on eight pairs at
  /// once in `SIMD8<Double>` with contiguous loads and stores (a training step rebuilds its layers, so
  /// this runs once per step and per direction).
  static func transformWeights(_ weight: Tensor) -> Tensor {
    let (o, c) = (weight.shape[0], weight.shape[1])
    let count = o * c
    let u = Tensor(uninitializedShape: [elements, o, c])
    let taps = TensorStorage(count: 9 * count)
    let (k, p) = (UnsafePointer(taps.base), u.storage.base)
    weight.withUnsafeBufferPointer { w in
      for pair in 0..<count {
        for t in 0..<9 { taps.base[t * count + pair] = w[pair * 9 + t] }
      }
    }
    let block = 1024
    Compute.parallelFor((count + block - 1) / block) { b in
      for start in Swift.stride(from: b * block, to: min(count, (b + 1) * block), by: 8) {
        let lanes = min(8, count - start)
        let tap = { (t: Int) in Lanes.load(k + t * count + start, lanes: lanes) }
        // Columns of G · g, then each of their six rows times Gᵀ.
        let c0 = weightRows(tap(0), tap(3), tap(6))
        let c1 = weightRows(tap(1), tap(4), tap(7))
        let c2 = weightRows(tap(2), tap(5), tap(8))
        let emit = { (i: Int, row: Rows) in
          let out = p + i * 6 * count + start
          row.0.store(out, lanes: lanes)
          row.1.store(out + count, lanes: lanes)
          row.2.store(out + 2 * count, lanes: lanes)
          row.3.store(out + 3 * count, lanes: lanes)
          row.4.store(out + 4 * count, lanes: lanes)
          row.5.store(out + 5 * count, lanes: lanes)
        }
        emit(0, weightRows(c0.0, c1.0, c2.0))
        emit(1, weightRows(c0.1, c1.1, c2.1))
        emit(2, weightRows(c0.2, c1.2, c2.2))
        emit(3, weightRows(c0.3, c1.3, c2.3))
        emit(4, weightRows(c0.4, c1.4, c2.4))
        emit(5, weightRows(c0.5, c1.5, c2.5))
      }
    }
    withExtendedLifetime((taps, weight, u)) {}
    return u
  }

  /// Eight (out, in) pairs of one transform element, in `Double`.
  typealias Lanes = SIMD8<Double>
  /// Six transformed values of eight pairs.
  typealias Rows = (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)

  /// `G · (a, b, c)`: the 1-D weight transform of F(4, 3).
  @inline(__always)
  static func weightRows(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Rows {
    let ac = a + c
    let (a24, c6, b12) = (a / 24, c / 6, b / 12)
    return (a / 4, -(ac + b) / 6, -(ac - b) / 6, a24 + b12 + c6, a24 - b12 + c6, c)
  }
}

extension SIMD8 where Scalar == Double {
  /// `lanes` (≤ 8) floats from `p`, widened; the other lanes zero.
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>, lanes: Int) -> Self {
    if lanes == 8 {
      return Self(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
    }
    var v = Self()
    for l in 0..<lanes { v[l] = Double(p[l]) }
    return v
  }

  /// Stores the first `lanes` (≤ 8) lanes, rounded to `Float`, at `p`.
  @inline(__always)
  func store(_ p: UnsafeMutablePointer<Float>, lanes: Int) {
    let f = SIMD8<Float>(self)
    if lanes == 8 {
      UnsafeMutableRawPointer(p).storeBytes(of: f, as: SIMD8<Float>.self)
    } else {
      for l in 0..<lanes { p[l] = f[l] }
    }
  }
}

extension ConvStep {
  /// Number of tile rows per time slice and tiles per tile row.
  private var tileGrid: (rows: Int, columns: Int) {
    ((g.h.output + 3) / 4, (g.w.output + 3) / 4)
  }

  /// Winograd F(4×4, 3×3): input transform, 36 GEMMs and output transform (with bias, residual and
  /// activation) per chunk of tile rows; split by tile rows, or by output channels when there are
  /// few tiles (each thread then transforms the whole input into its own buffer).
  func winograd(transformed u: UnsafePointer<Float>) {
    let (th, tw) = tileGrid
    let totalRows = samples * g.t.output * th
    let tiles = totalRows * tw
    let e = Winograd.elements
    // Columns are tiles here; a tile is 16 outputs.
    if splitsChannels(columns: tiles * 16) {
      // Each thread transforms the whole input into a buffer of its own and multiplies its output
      // channels. Shared, the transformed input was read by both threads and rewritten by one each
      // layer, a round trip between cores per line: 0.7 ms of layer 3's 1.2 ms on a host that had
      // placed the two vCPUs on far-apart cores.
      Compute.splitRange(
        outputChannels, align: 8, minimum: Convolution.minimumChannels, partsPerThread: 1,
        balanced: balancedSplits
      ) {
        rows in
        let v = ck_scratch(0, g.c * e * tiles)!
        let m = ck_scratch(1, rows.count * e * tiles)!
        inputTransform(into: v, channels: 0..<g.c, tileRows: 0..<totalRows, tiles: tiles)
        multiply(u, v: v, m: m, rows: rows, tiles: tiles)
        outputTransform(m: m, rows: rows, tileRows: 0..<totalRows, tiles: tiles)
      }
      return
    }
    // Tile rows per chunk: transformed input and output of a chunk fit about 6 MB.
    let perRow = (g.c + outputChannels) * e * tw * MemoryLayout<Float>.stride
    let chunkRows = max(1, (6 << 20) / max(perRow, 1), Self.minimumChunkTiles / tw)
    // Each thread its own tile rows (the rows of the map the layer before wrote, when it split by
    // columns too) and its own buffers. Layer 2's 130 tiles split by output channels ran 7 %
    // slower, and the buffers taken from the allocator cost layer 1 30 % when the host had placed
    // the two vCPUs on far-apart cores.
    let minimumRows = max(1, Convolution.minimumPartColumns / 16 / tw)
    Compute.splitRange(totalRows, align: 1, minimum: minimumRows, balanced: balancedSplits) { rowRange in
      let chunk = min(chunkRows, rowRange.count)
      let v = ck_scratch(0, g.c * e * chunk * tw)!
      let m = ck_scratch(1, outputChannels * e * chunk * tw)!
      var r0 = rowRange.lowerBound
      while r0 < rowRange.upperBound {
        let part = r0..<min(rowRange.upperBound, r0 + chunk)
        let n = part.count * tw
        inputTransform(into: v, channels: 0..<g.c, tileRows: part, tiles: n)
        multiply(u, v: v, m: m, rows: 0..<outputChannels, tiles: n)
        outputTransform(m: m, rows: 0..<outputChannels, tileRows: part, tiles: n)
        r0 = part.upperBound
      }
    }
  }

  /// Fewest tiles per chunk (narrower GEMMs lose more than the larger chunk costs in cache).
  private static var minimumChunkTiles: Int { 256 }

  /// Tile row `r` (counted over samples, time slices and tile rows) → sample, time slice, tile row.
  @inline(__always)
  private func tileRow(_ r: Int) -> (n: Int, t: Int, ty: Int) {
    let th = tileGrid.rows
    let perSample = g.t.output * th
    let (n, rest) = r.quotientAndRemainder(dividingBy: perSample)
    return (n, rest / th, rest % th)
  }

  /// The 36 GEMMs `M[o][e][tile] = Σ_c U[e][o][c] · V[e][c][tile]` for output channels `rows`.
  private func multiply(
    _ u: UnsafePointer<Float>, v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
    rows: Range<Int>, tiles: Int
  ) {
    let e = Winograd.elements
    for k in 0..<e {
      Compute.serialGemm(
        m: rows.count, n: tiles, k: g.c, a: u + (k * outputChannels + rows.lowerBound) * g.c, lda: g.c,
        b: v + k * g.c * tiles, ldb: tiles, beta: 0, c: m + k * tiles, ldc: e * tiles,
        precision: Compute.winogradPrecision,
        packed: packed(PackedIndex.winograd + k, source: u + k * outputChannels * g.c, rows: rows))
    }
  }

  /// `V[e][c][tile] = (Bᵀ d B)[e]` for input channels `channels` and the tiles of `tileRows`
  /// (tile index counted from the first of `tileRows`); `tiles` is the chunk's tile count. Element
  /// e's `g.c × tiles` matrix is contiguous, so each of the 36 GEMMs reads its B in one block (with
  /// the channels outermost, its rows lay 36 tile rows apart: ResNet-50's Winograd 3×3s took 2–3 %
  /// longer).
  func inputTransform(
    into v: UnsafeMutablePointer<Float>, channels: Range<Int>, tileRows: Range<Int>, tiles: Int
  ) {
    let tw = tileGrid.columns
    let (hi, wi) = (g.h.input, g.w.input)
    for ch in channels {
      for r in tileRows {
        let (n, t, ty) = tileRow(r)
        Winograd.transformTileRow(
          plane: src + n * inputSampleStride + ch * g.inputPlane + t * hi * wi, height: hi, width: wi,
          top: ty * 4 - g.h.padBefore, left: -g.w.padBefore, tiles: tw,
          into: v + ch * tiles + (r - tileRows.lowerBound) * tw, stride: g.c * tiles)
      }
    }
  }

  /// `Y = Aᵀ M A` for output channels `rows` (M rows counted from `rows.lowerBound`), then bias,
  /// residual and activation, written to the valid part of each 4×4 output block.
  ///
  /// The transforms run across all tiles of the chunk (contiguous in `M`, so the loops vectorise even
  /// when a tile row holds only two tiles, as on 7×7 maps) into a `[16, tiles]` buffer, which the
  /// epilogue then scatters into the output rows.
  private func outputTransform(
    m: UnsafeMutablePointer<Float>, rows: Range<Int>, tileRows: Range<Int>, tiles: Int
  ) {
    let tw = tileGrid.columns
    let (ho, wo) = (g.h.output, g.w.output)
    let plane = g.outputPlane
    let e = Winograd.elements
    let ep = epilogue
    // s: [6][4][tiles] after the horizontal pass; y: [4][4][tiles] after the vertical pass.
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 40 * tiles)
    defer { buffer.deallocate() }
    let s = buffer
    let y = buffer + 24 * tiles
    // Where each tile row's outputs go: its sample, the offset of its first output row in a channel
    // plane, and how many of its four output rows exist.
    let placements = tileRows.map { r -> (sample: Int, offset: Int, rows: Int) in
      let (n, t, ty) = tileRow(r)
      return (n, (t * ho + ty * 4) * wo, min(4, ho - ty * 4))
    }
    for ch in rows {
      let mc = m + (ch - rows.lowerBound) * e * tiles
      let b = ep.bias?[ch] ?? 0
      for i in 0..<6 {
        let q = mc + i * 6 * tiles
        Winograd.transformOutput(
          q, q + tiles, q + 2 * tiles, q + 3 * tiles, q + 4 * tiles, q + 5 * tiles,
          into: s + i * 4 * tiles, stride: tiles, count: tiles)
      }
      for j in 0..<4 {
        let q = s + j * tiles
        let step = 4 * tiles
        Winograd.transformOutput(
          q, q + step, q + 2 * step, q + 3 * step, q + 4 * step, q + 5 * step,
          into: y + j * tiles, stride: 4 * tiles, count: tiles)
      }
      for (index, place) in placements.enumerated() {
        let yRow = y + index * tw
        let outRow = dst + place.sample * outputSampleStride + ch * plane + place.offset
        let resRow = ep.residual.map { $0 + (place.sample * outputChannels + ch) * plane + place.offset }
        for i in 0..<place.rows {
          Winograd.outputRow(
            yRow + i * 4 * tiles, stride: tiles, width: wo, bias: b, residual: resRow.map { $0 + i * wo },
            relu: ep.relu, into: outRow + i * wo)
        }
      }
    }
  }
}
