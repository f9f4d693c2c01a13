/// Winograd F(4, 3) along time for 3×1×1 stride-1 convolutions (S3D-G's temporal halves).
///
/// Every 4 output time steps come from 6 input steps: `y = Aᵀ [U ⊙ V]` with `U = G g` per tap
/// matrix (transformed once at construction) and `V = Bᵀ d` (six input time slices), so a tile
/// costs 6 GEMMs `[out × in] · [in × positions]` instead of the 12 tap GEMMs of the direct route.
/// It pays where the time axis is long enough for whole tiles: on a 10-step map (S3D-G's
/// `Conv2d_2c`, `Mixed_3b`, `Mixed_3c` on a 20-frame clip) 3 tiles are 18 GEMM slices instead of the
/// direct route's 28. The 1-D matrices are those of the 2-D route (`Winograd`).
enum TemporalWinograd {
  /// Output time steps per tile.
  static let tile = 4
  /// Input time steps (and products) per tile.
  static let points = 6

  /// `TENSOR_TEMPORAL_WINOGRAD=0` disables this route alone (measurements); `TENSOR_WINOGRAD=0`
  /// disables both Winograd routes.
  static let enabled = Winograd.mode != 0 && EnvironmentSwitch.isOn("TENSOR_TEMPORAL_WINOGRAD")

  /// Transformed weights `[6, out, in]` of temporal tap matrices `[3, out, in]`.
  static func transformWeights(_ taps: Tensor) -> Tensor {
    let (o, c) = (taps.shape[1], taps.shape[2])
    let g = Winograd.g
    var u = Tensor(uninitializedShape: [points, o, c])
    taps.withUnsafeBufferPointer { k in
      u.withUnsafeMutableBufferPointer { p in
        for e in 0..<points {
          for oc in 0..<(o * c) {
            var s = 0.0
            for l in 0..<3 { s += g[e][l] * Double(k[l * o * c + oc]) }
            p[e * o * c + oc] = Float(s)
          }
        }
      }
    }
    return u
  }

  /// Whether the route does fewer GEMM slices than the direct one (at most 3/4 of them) on this
  /// time axis, with at least 16 input and output channels.
  static func pays(_ t: WindowAxis, inputChannels: Int, outputChannels: Int) -> Bool {
    guard enabled, t.kernel == 3, t.stride == 1, inputChannels >= 16, outputChannels >= 16 else {
      return false
    }
    let direct = (0..<3).reduce(0) { $0 + t.validOutputs(tap: $1).count }
    let tiles = (t.output + tile - 1) / tile
    return 4 * points * tiles <= 3 * direct
  }
}

extension ConvStep {
  /// Temporal Winograd F(4, 3) (``TemporalWinograd``): per chunk of positions, the input transform
  /// of every tile, 6 GEMMs over all tiles at once, then the output transform with the epilogue.
  func temporalWinograd(transformed u: UnsafePointer<Float>) {
    let hw = g.h.input * g.w.input
    let tiles = (g.t.output + TemporalWinograd.tile - 1) / TemporalWinograd.tile
    let p = TemporalWinograd.points
    // Positions per chunk: GEMMs at least 3072 columns wide (all tiles of the chunk's positions);
    // narrower ones lose more than the chunk's larger scratch costs (measured on Conv2d_2c: 4 MB
    // chunks, 432 columns, 124 % of the direct route's sgemm; 3648 columns 155–162 %).
    let chunk = min(hw, (3072 / tiles + 15) / 16 * 16)
    Compute.splitRange(hw, align: 16, minimum: 256) { range in
      let width = min(chunk, range.count)
      let v = TensorStorage(count: g.c * p * tiles * width)
      let m = TensorStorage(count: outputChannels * p * tiles * width)
      let zeros = TensorStorage(count: width)
      zeros.base.update(repeating: 0, count: width)
      var a = range.lowerBound
      while a < range.upperBound {
        let count = min(width, range.upperBound - a)
        let n = tiles * count
        temporalInputTransform(into: v.base, zeros: zeros.base, position: a, count: count, tiles: tiles)
        for e in 0..<p {
          Compute.serialGemm(
            m: outputChannels, n: n, k: g.c, a: u + e * outputChannels * g.c, lda: g.c,
            b: v.base + e * g.c * n, ldb: n, beta: 0, c: m.base + e * outputChannels * n, ldc: n,
            precision: Compute.winogradPrecision,
            packed: packed(
              PackedIndex.temporalWinograd + e, source: u + e * outputChannels * g.c, rows: 0..<outputChannels
            ))
        }
        temporalOutputTransform(m: m.base, position: a, count: count, tiles: tiles)
        a += count
      }
      withExtendedLifetime((v, m, zeros)) {}
    }
  }

  /// `V[e][ch][tile · count + j] = (Bᵀ d)[e]` with `d` the 6 input slices of the tile at positions
  /// `position + j` (zero outside the input).
  func temporalInputTransform(
    into v: UnsafeMutablePointer<Float>, zeros: UnsafePointer<Float>, position: Int, count: Int, tiles: Int
  ) {
    let hw = g.h.input * g.w.input
    let n = tiles * count
    // Slice t of a channel (zeros outside the input).
    let slice = { (plane: UnsafePointer<Float>, t: Int) -> UnsafePointer<Float> in
      t >= 0 && t < g.t.input ? plane + t * hw : zeros
    }
    for ch in 0..<g.c {
      let plane = src + ch * g.inputPlane + position
      for tile in 0..<tiles {
        let t0 = tile * TemporalWinograd.tile - g.t.padBefore
        Winograd.transformInput(
          slice(plane, t0), slice(plane, t0 + 1), slice(plane, t0 + 2), slice(plane, t0 + 3),
          slice(plane, t0 + 4), slice(plane, t0 + 5), into: v + ch * n + tile * count, stride: g.c * n,
          count: count)
      }
    }
  }

  /// `y = Aᵀ M` per tile into the valid output time steps, then bias, residual and activation.
  private func temporalOutputTransform(m: UnsafePointer<Float>, position: Int, count: Int, tiles: Int) {
    let hw = g.h.input * g.w.input
    let n = tiles * count
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: TemporalWinograd.tile * count)
    defer { scratch.deallocate() }
    for ch in 0..<outputChannels {
      for tile in 0..<tiles {
        // Product e of this channel and tile: m + (e · outputChannels + ch) · n + tile · count.
        let q0 = m + ch * n + tile * count
        let step = outputChannels * n
        let first = tile * TemporalWinograd.tile
        let steps = min(TemporalWinograd.tile, g.t.output - first)
        let out = dst + ch * g.outputPlane + first * hw + position
        if steps == TemporalWinograd.tile {
          Winograd.transformOutput(
            q0, q0 + step, q0 + 2 * step, q0 + 3 * step, q0 + 4 * step, q0 + 5 * step, into: out, stride: hw,
            count: count)
        } else {
          // A partial last tile: transform into scratch, keep the valid steps.
          Winograd.transformOutput(
            q0, q0 + step, q0 + 2 * step, q0 + 3 * step, q0 + 4 * step, q0 + 5 * step, into: scratch,
            stride: count, count: count)
          for i in 0..<steps { (out + i * hw).update(from: scratch + i * count, count: count) }
        }
        for i in 0..<steps {
          let column = (first + i) * hw + position
          epilogue.apply(rows: ch..<(ch + 1), columns: column..<(column + count))
        }
      }
    }
  }
}
