/// dL/dW: `Σ_n dY_n · cols_nᵀ`, with `cols` the input itself (pointwise), its time-shifted views
/// (temporal) or its im2col lowering, in chunks.
///
/// The positions of all samples, flattened, are split into one contiguous part per worker; each
/// worker sums its GEMMs (single-threaded OpenBLAS) into its own dL/dW, and the parts are added at
/// the end (a reduction of `threads × weight.count` floats, small next to the GEMMs).
extension Convolution {
  /// dL/dW in the weight's layout; `forceWinograd` takes the Winograd route whenever the kernel allows it.
  func weightGradient(_ x: Tensor, _ dy: Tensor, _ g: ConvGeometry, forceWinograd: Bool) -> Tensor {
    let dW = Tensor(uninitializedShape: weight.shape)
    let (src, grad, dst) = (UnsafePointer(x.storage.base), UnsafePointer(dy.storage.base), dW.storage.base)
    if isPointwise(g) {
      pointwiseWeightGradient(src, grad, g, into: dst)
    } else if winogradWeightGradientApplies(g, force: forceWinograd) {
      winogradWeightGradient(x, dy, g, into: dst)
    } else if temporalWinogradWeightGradientApplies(g, force: forceWinograd) {
      temporalWinogradWeightGradient(x, dy, g, into: dst)
    } else if isTemporal(g) {
      temporalWeightGradient(src, grad, g, into: dst)
    } else {
      columnWeightGradient(src, grad, g, into: dst)
    }
    withExtendedLifetime((x, dy)) {}
    return dW
  }

  /// 1×1×1 stride 1: `dW += dY_n[:, range] · X_n[:, range]ᵀ` on the tensors as they are.
  private func pointwiseWeightGradient(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: ConvGeometry,
    into dW: UnsafeMutablePointer<Float>
  ) {
    let (o, c, plane) = (outputChannels, g.c, g.outputPlane)
    Self.accumulate(total: g.n * plane, minimum: Self.minimumColumns, rows: o, size: o * c, into: dW) {
      range, rows, acc in
      Self.forEachSample(range, plane: plane) { n, columns in
        Compute.serialGemm(
          m: rows.count, n: c, k: columns.count,
          a: dy + (n * o + rows.lowerBound) * plane + columns.lowerBound, lda: plane,
          transposeA: false, b: x + n * c * plane + columns.lowerBound, ldb: plane, transposeB: true,
          beta: 1, c: acc + rows.lowerBound * c, ldc: c)
      }
    }
  }

  /// k×1×1: per tap, `dW_t += dY_n[:, frames] · X_n[:, shifted frames]ᵀ` on time-shifted views (one
  /// GEMM per tap with temporal stride 1, one per output frame otherwise), summed in tap-major
  /// `[kt, out, in]` and transposed into the weight's layout at the end.
  private func temporalWeightGradient(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: ConvGeometry,
    into dW: UnsafeMutablePointer<Float>
  ) {
    let (o, c, kt) = (outputChannels, g.c, g.t.kernel)
    let hw = g.h.input * g.w.input
    let plane = g.outputPlane
    let taps = TensorStorage(count: kt * o * c)
    Self.accumulate(
      total: g.n * plane, minimum: Self.minimumColumns, rows: o, size: kt * o * c, into: taps.base
    ) { range, rows, acc in
      Self.forEachSample(range, plane: plane) { n, columns in
        let (grad, input) = (dy + (n * o + rows.lowerBound) * plane, x + n * c * g.inputPlane)
        for dt in 0..<kt {
          let frames = g.t.validOutputs(tap: dt)
          let valid = (frames.lowerBound * hw..<frames.upperBound * hw).clamped(to: columns)
          if valid.isEmpty { continue }
          // Pieces of output columns whose input columns are contiguous, and the input offset of each.
          var pieces: [(Range<Int>, Int)] = []
          if g.t.stride == 1 {
            pieces = [(valid, valid.lowerBound + (dt - g.t.padBefore) * hw)]
          } else {
            for to in (valid.lowerBound / hw)...((valid.upperBound - 1) / hw) {
              let piece = (to * hw..<(to + 1) * hw).clamped(to: valid)
              pieces.append((piece, (g.t.start(to) + dt) * hw + piece.lowerBound - to * hw))
            }
          }
          for (piece, inputColumn) in pieces {
            Compute.serialGemm(
              m: rows.count, n: c, k: piece.count, a: grad + piece.lowerBound, lda: plane, transposeA: false,
              b: input + inputColumn, ldb: g.inputPlane, transposeB: true, beta: 1,
              c: acc + (dt * o + rows.lowerBound) * c, ldc: c)
          }
        }
      }
    }
    let t = taps.base
    Compute.parallelFor(o) { oc in
      for ic in 0..<c {
        for dt in 0..<kt { dW[(oc * c + ic) * kt + dt] = t[(dt * o + oc) * c + ic] }
      }
    }
    withExtendedLifetime(taps) {}
  }

  /// General kernels: im2col over chunks of output rows (of all samples), `dW += dY_chunk · colsᵀ`.
  private func columnWeightGradient(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: ConvGeometry,
    into dW: UnsafeMutablePointer<Float>
  ) {
    let o = outputChannels
    let kk = g.c * g.t.kernel * g.h.kernel * g.w.kernel
    let wo = g.w.output
    let lines = g.t.output * g.h.output
    let minimumLines = (Self.minimumColumns + wo - 1) / wo
    let linesPerChunk = max(minimumLines, Self.im2colBudget / max(kk * wo * MemoryLayout<Float>.stride, 1), 1)
    // Strided windows wider than one tap read phase-split rows (every copy a memcpy), one per sample.
    let phased =
      g.w.stride > 1 && g.w.kernel > 1
      ? (0..<g.n).map { Im2col.splitPhases(x + $0 * g.c * g.inputPlane, g) } : []
    let phasedBases = phased.map { UnsafePointer($0.base) }
    let phasedFor = { (n: Int) in phasedBases.isEmpty ? nil : phasedBases[n] }
    if Self.splitsRows(positions: g.n * lines, minimum: minimumLines, rows: o) {
      // Few positions: one shared column chunk (filled in parallel), the GEMM split by output channels.
      dW.update(repeating: 0, count: o * kk)
      let chunk = min(lines, linesPerChunk)
      let scratch = TensorStorage(count: kk * wo * chunk)
      let cols = UnsafePointer(scratch.base)
      for n in 0..<g.n {
        for u0 in Swift.stride(from: 0, to: lines, by: chunk) {
          let part = u0..<min(lines, u0 + chunk)
          let count = part.count * wo
          Im2col.fill(
            scratch.base, g, src: x + n * g.c * g.inputPlane, lines: part, phased: phasedFor(n),
            parallel: true)
          Compute.splitRange(o, align: 8, minimum: Self.minimumChannels, partsPerThread: 1) { rows in
            Compute.serialGemm(
              m: rows.count, n: kk, k: count, a: dy + (n * o + rows.lowerBound) * g.outputPlane + u0 * wo,
              lda: g.outputPlane, transposeA: false, b: cols, ldb: count, transposeB: true, beta: 1,
              c: dW + rows.lowerBound * kk, ldc: kk)
          }
        }
      }
      withExtendedLifetime((scratch, phased)) {}
      return
    }
    Self.accumulate(total: g.n * lines, minimum: minimumLines, rows: o, size: o * kk, into: dW) {
      range, _, acc in
      let scratch = TensorStorage(count: kk * wo * min(linesPerChunk, range.count))
      Self.forEachSample(range, plane: lines) { n, sampleLines in
        var u0 = sampleLines.lowerBound
        while u0 < sampleLines.upperBound {
          let part = u0..<min(sampleLines.upperBound, u0 + linesPerChunk)
          let count = part.count * wo
          Im2col.fill(
            scratch.base, g, src: x + n * g.c * g.inputPlane, lines: part,
            phased: phasedFor(n), parallel: false)
          Compute.serialGemm(
            m: o, n: kk, k: count, a: dy + n * o * g.outputPlane + u0 * wo, lda: g.outputPlane,
            transposeA: false, b: scratch.base, ldb: count, transposeB: true, beta: 1, c: acc, ldc: kk)
          u0 = part.upperBound
        }
      }
      withExtendedLifetime(scratch) {}
    }
    withExtendedLifetime(phased) {}
  }

  /// Whether the positions are too few to give every worker its own part (at least `minimum`) and
  /// dL/dW is split by output channels instead (ResNet layer3/4, S3D-G Mixed_4/5 at small batches).
  static func splitsRows(positions: Int, minimum: Int, rows: Int) -> Bool {
    Compute.threadCount > 1 && positions < Compute.threadCount * minimum && rows >= 2 * minimumChannels
  }

  /// Runs `body(positions, rows, accumulator)` concurrently, then leaves the sum of the accumulators
  /// (`size` floats each) in `result`.
  ///
  /// Enough positions (at least `minimum` per worker): one contiguous part of `0..<total` per worker,
  /// all rows, each with its own zeroed accumulator (the first is `result`), added at the end.
  /// Fewer (`splitsRows`): all positions, disjoint parts of the `rows` output channels, all into `result`.
  static func accumulate(
    total: Int, minimum: Int, rows: Int, size: Int, into result: UnsafeMutablePointer<Float>,
    _ body: (Range<Int>, Range<Int>, UnsafeMutablePointer<Float>) -> Void
  ) {
    result.update(repeating: 0, count: size)
    if splitsRows(positions: total, minimum: minimum, rows: rows) {
      Compute.splitRange(rows, align: 8, minimum: minimumChannels, partsPerThread: 1) {
        body(0..<total, $0, result)
      }
      return
    }
    let parts = max(1, min(Compute.threadCount, total / max(minimum, 1)))
    if parts == 1 {
      body(0..<total, 0..<rows, result)
      return
    }
    let scratch = TensorStorage(count: (parts - 1) * size)
    let others = scratch.base
    Compute.parallelFor(parts) { p in
      let acc = p == 0 ? result : others + (p - 1) * size
      if p > 0 { acc.update(repeating: 0, count: size) }
      body((total * p / parts)..<(total * (p + 1) / parts), 0..<rows, acc)
    }
    // Blocks of 4096 elements, each summed over the parts in a vectorisable loop.
    let block = 4096
    Compute.parallelFor((size + block - 1) / block) { b in
      let lo = b * block
      let count = min(block, size - lo)
      let r = result + lo
      for p in 1..<parts {
        let s = UnsafePointer(others + (p - 1) * size + lo)
        for i in 0..<count { r[i] += s[i] }
      }
    }
    withExtendedLifetime(scratch) {}
  }

  /// Calls `body(sample, range)` for the pieces of a range of flattened `[samples, plane]` indices,
  /// one per sample it touches, with `range` local to that sample.
  static func forEachSample(_ range: Range<Int>, plane: Int, _ body: (Int, Range<Int>) -> Void) {
    guard plane > 0 else { return }
    var i = range.lowerBound
    while i < range.upperBound {
      let n = i / plane
      let end = min(range.upperBound, (n + 1) * plane)
      body(n, (i - n * plane)..<(end - n * plane))
      i = end
    }
  }
}
