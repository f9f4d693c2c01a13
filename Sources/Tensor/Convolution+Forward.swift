/// The GEMM routes of the forward pass.
///
/// Every route splits the output columns (positions) between `Compute.threadCount` workers; each
/// worker lowers (im2col), multiplies (single-threaded: ``Compute/serialGemm``) and finishes (epilogue) its own
/// cache-sized chunks, so no thread waits for another between steps and nothing spins.
extension Convolution {
  /// Bytes of im2col scratch per GEMM (output rows are processed in chunks of about this size).
  static let im2colBudget = 4 << 20

  /// Bytes of GEMM output produced between two epilogue passes (fits the last-level cache).
  static let outputChunkBytes = 2 << 20

  /// Fewest columns a GEMM gets (smaller ones lose efficiency).
  static let minimumColumns = 2048

  /// Fewest columns per part when a forward GEMM splits by columns; fewer columns split by output
  /// channels, and every thread then reads the whole input, half of it written by the other thread.
  /// ResNet-50's layer 2 (2000 columns) splits by columns: on a host that had placed the two vCPUs
  /// on far-apart cores its 1×1s ran 7–13 % faster than split by channels, the same on near ones.
  static let minimumPartColumns = 1000

  /// Fewest output channels per part when a GEMM is split by channels.
  static let minimumChannels = 16

  /// Forward pass into channels `channelOffset...` of `output`, with an optional residual.
  ///
  /// `forceWinograd` takes the Winograd route whenever the kernel allows it (tests).
  func run(
    _ x: Tensor, into output: inout Tensor, channelOffset: Int, residual: Tensor?, forceWinograd: Bool = false
  ) {
    let g = geometry(x.shape)
    var expected = outputShape(for: x.shape)
    let totalChannels = output.rank > 1 ? output.shape[1] : 0
    expected[1] = totalChannels
    precondition(
      output.shape == expected && channelOffset >= 0 && channelOffset + outputChannels <= totalChannels,
      "Convolution: output \(output.shape) cannot hold \(outputChannels) channels at \(channelOffset)")
    let outSample = totalChannels * g.outputPlane
    let pointwise = isPointwise(g)
    let temporal = isTemporal(g)
    let winograd =
      winogradWeights != nil && g.t.padBefore == 0 && g.t.output == g.t.input
      && (forceWinograd || Winograd.mode == 1 || winogradPays(g))
    output.makeUnique()
    let outBase = output.storage.base
    let step = { (n: Int) in
      self.step(
        g, x, sample: n, output: outBase, outputSample: outSample, channelOffset: channelOffset,
        residual: residual)
    }
    if winograd, let u = winogradWeights {
      // One set of GEMMs over every sample's tiles (small maps of many samples, e.g. ROI tubes).
      var batched = step(0)
      batched.samples = g.n
      batched.inputSampleStride = g.c * g.inputPlane
      batched.outputSampleStride = outSample
      batched.winograd(transformed: u.storage.base)
    } else {
      for n in 0..<g.n {
        if pointwise {
          step(n).pointwise()
        } else if temporal, let u = temporalWinogradWeights,
          forceWinograd || TemporalWinograd.pays(g.t, inputChannels: g.c, outputChannels: outputChannels)
        {
          step(n).temporalWinograd(transformed: u.storage.base)
        } else if temporal {
          step(n).temporal()
        } else if step(n).phasedRouteApplies() {
          step(n).phased()
        } else {
          step(n).im2col()
        }
      }
    }
    withExtendedLifetime((x, weight, temporalTaps, winogradWeights, temporalWinogradWeights, residual, bias))
    {}
  }
}

extension Convolution {
  /// Sample `n`'s step: input `x`, output at channels `channelOffset…` of the tensor at `output`
  /// (`outputSample` floats per sample), with `residual` (this layer's output shape) if any.
  func step(
    _ g: ConvGeometry, _ x: Tensor, sample n: Int, output: UnsafeMutablePointer<Float>, outputSample: Int,
    channelOffset: Int, residual: Tensor?
  ) -> ConvStep {
    let plane = g.outputPlane
    let dst = output + n * outputSample + channelOffset * plane
    return ConvStep(
      g: g, src: x.storage.base + n * g.c * g.inputPlane, dst: dst, weight: weight.storage.base,
      taps: temporalTaps?.storage.base, outputChannels: outputChannels,
      epilogue: Epilogue(
        dst: dst, plane: plane, channels: outputChannels, bias: bias?.storage.base,
        residual: residual.map { r in UnsafePointer(r.storage.base + n * outputChannels * plane) },
        relu: activation == .relu),
      packedWeights: packedWeights)
  }

  /// Whether Winograd is used on this geometry: at least 16 input and output channels, and either
  /// 400 output positions per frame (25 tiles) or a map where the 36 products per 4×4 tile are at
  /// most half the 9 per output position of the direct convolution (7×7, 10×13, 4×4 maps) with at
  /// least 64 tiles over all samples and frames (the route batches them into one set of GEMMs).
  /// Measured at 2 threads (`eval/BENCHMARKS.md`): it wins 1.7–2.2× on S3D-G's 1×3×3 layers and
  /// 1.0–1.4× on ResNet's 3×3 layers down to 20×25 maps, and on the detector's per-ROI 7×7 tubes.
  func winogradPays(_ g: ConvGeometry) -> Bool {
    guard g.c >= 16 && outputChannels >= 16 else { return false }
    let positions = g.h.output * g.w.output
    let tiles = ((g.h.output + 3) / 4) * ((g.w.output + 3) / 4)
    return positions >= 400 || (9 * positions >= 2 * 36 * tiles && g.n * g.t.output * tiles >= 64)
  }
}

/// One sample's convolution: pointers and geometry shared by the workers.
///
/// Work is split by output columns when there are enough of them (at least `minimumColumns` per
/// part), otherwise by output channels (small late layers: few positions, many channels).
struct ConvStep: @unchecked Sendable {
  let g: ConvGeometry
  let src: UnsafePointer<Float>
  let dst: UnsafeMutablePointer<Float>
  let weight: UnsafePointer<Float>
  let taps: UnsafePointer<Float>?
  let outputChannels: Int
  let epilogue: Epilogue
  /// Samples covered (the Winograd route batches samples; the other routes run one step per sample).
  var samples = 1
  /// Elements from one sample's input to the next (`samples > 1`).
  var inputSampleStride = 0
  /// Elements from one sample's output to the next; the residual has `outputChannels · outputPlane`.
  var outputSampleStride = 0
  /// The layer's packed weight matrices (used by the bf16 GEMM and the fp32 kernel), or nil.
  var packedWeights: PackedWeights?

  /// Keys of the layer's weight matrices in ``packedWeights``.
  enum PackedIndex {
    /// `weight` as `[out, in · kt · kh · kw]` (pointwise and im2col routes).
    static let weight = 0
    /// Temporal tap `dt` of `taps`, `[out, in]`: `taps + dt`.
    static let taps = 1
    /// Winograd element `e` of F(4×4, 3×3), `[out, in]`: `winograd + e` (36).
    static let winograd = 100
    /// Temporal Winograd element `e` of F(4, 3), `[out, in]`: `temporalWinograd + e` (6).
    static let temporalWinograd = 200
  }

  /// Rows `rows` of weight matrix `index` (`outputChannels` × `k` at `source`) as a packed operand.
  func packed(_ index: Int, source: UnsafePointer<Float>, rows: Range<Int>) -> PackedOperand? {
    packedWeights.map {
      PackedOperand(
        weights: $0, index: index, source: source, rows: outputChannels, rowOffset: rows.lowerBound)
    }
  }

  init(
    g: ConvGeometry, src: UnsafeMutablePointer<Float>, dst: UnsafeMutablePointer<Float>,
    weight: UnsafeMutablePointer<Float>, taps: UnsafeMutablePointer<Float>?, outputChannels: Int,
    epilogue: Epilogue, packedWeights: PackedWeights? = nil
  ) {
    self.g = g
    self.src = UnsafePointer(src)
    self.dst = dst
    self.weight = UnsafePointer(weight)
    self.taps = taps.map { UnsafePointer($0) }
    self.outputChannels = outputChannels
    self.epilogue = epilogue
    self.packedWeights = packedWeights
  }

  /// Output columns per cache-sized chunk.
  private var chunkColumns: Int {
    max(Convolution.minimumColumns, Convolution.outputChunkBytes / (max(outputChannels, 1) * 4))
  }

  /// Whether the step's splits may follow the threads' speeds (``Compute/splitRange(_:align:minimum:partsPerThread:balanced:_:)``):
  /// its GEMMs all run the package's own fp32 kernel on packed weights, whose sums do not depend on
  /// where a split cuts the rows or columns.
  var balancedSplits: Bool { packedWeights != nil && Compute.precision == .fp32 && Compute.ownF32Kernel }

  /// Whether the columns are too few to give every thread its own part.
  func splitsChannels(columns: Int, minimumPart: Int = Convolution.minimumPartColumns) -> Bool {
    Compute.threadCount > 1 && columns < Compute.threadCount * minimumPart
      && outputChannels >= 2 * Convolution.minimumChannels
  }

  /// Runs `body(rows, columns)` on parts of the output, split by columns or by channels.
  func split(columns total: Int, align: Int, _ body: (Range<Int>, Range<Int>) -> Void) {
    if splitsChannels(columns: total) {
      Compute.splitRange(
        outputChannels, align: 8, minimum: Convolution.minimumChannels, partsPerThread: 1,
        balanced: balancedSplits
      ) {
        body($0, 0..<total)
      }
    } else {
      let all = 0..<outputChannels
      Compute.splitRange(
        total, align: align, minimum: Convolution.minimumPartColumns, balanced: balancedSplits
      ) { body(all, $0) }
    }
  }

  /// 1×1×1 stride 1: `out = W · x` on the input as is, chunk by chunk.
  func pointwise() {
    let chunk = chunkColumns
    split(columns: g.outputPlane, align: 64) { rows, cols in
      var a = cols.lowerBound
      while a < cols.upperBound {
        let count = min(chunk, cols.upperBound - a)
        pointwise(rows: rows, columns: a..<(a + count))
        a += count
      }
    }
  }

  /// The pointwise GEMM and epilogue for output channels `rows` at positions `columns`, on the
  /// calling thread.
  func pointwise(rows: Range<Int>, columns: Range<Int>) {
    let plane = g.outputPlane
    let a = columns.lowerBound
    Compute.serialGemm(
      m: rows.count, n: columns.count, k: g.c, a: weight + rows.lowerBound * g.c, lda: g.c, b: src + a,
      ldb: plane, beta: 0, c: dst + rows.lowerBound * plane + a, ldc: plane,
      packed: packed(PackedIndex.weight, source: weight, rows: rows),
      finish: EpilogueRegion(epilogue: epilogue, rows: rows, columns: columns))
  }

  /// k×1×1: one accumulated GEMM per tap on the time-shifted input (no copy).
  func temporal() {
    split(columns: g.outputPlane, align: 64) { rows, cols in
      if g.t.stride == 1 {
        var a = cols.lowerBound
        while a < cols.upperBound {
          let b = min(cols.upperBound, a + chunkColumns)
          temporalStrideOne(rows, a..<b)
          a = b
        }
      } else {
        let hw = g.h.input * g.w.input
        for to in (cols.lowerBound / hw)..<((cols.upperBound + hw - 1) / hw) {
          let sub = (to * hw..<(to + 1) * hw).clamped(to: cols)
          var initialised = false
          for dt in 0..<g.t.kernel {
            let ti = g.t.start(to) + dt
            if ti < 0 || ti >= g.t.input { continue }
            tapGemm(
              dt, rows: rows, columns: sub, inputColumn: ti * hw + (sub.lowerBound - to * hw),
              beta: initialised ? 1 : 0)
            initialised = true
          }
          if !initialised { zero(rows, sub) }
          epilogue.apply(rows: rows, columns: sub)
        }
      }
    }
  }

  /// Temporal stride 1 on output columns `cols`: taps in increasing order, so every column sums its
  /// taps in the same order however the columns are split between threads and chunks. The first tap
  /// writes its columns (beta 0); the columns it does not reach (the first frames) are zeroed.
  private func temporalStrideOne(_ rows: Range<Int>, _ cols: Range<Int>) {
    let hw = g.h.input * g.w.input
    let ranges = (0..<g.t.kernel).map { dt -> Range<Int> in
      let r = g.t.validOutputs(tap: dt)
      return (r.lowerBound * hw..<r.upperBound * hw).clamped(to: cols)
    }
    let first = ranges[0]
    if first.isEmpty {
      zero(rows, cols)
    } else {
      zero(rows, cols.lowerBound..<first.lowerBound)
      zero(rows, first.upperBound..<cols.upperBound)
    }
    for dt in 0..<g.t.kernel where !ranges[dt].isEmpty {
      let r = ranges[dt]
      tapGemm(
        dt, rows: rows, columns: r, inputColumn: r.lowerBound + (dt - g.t.padBefore) * hw,
        beta: dt == 0 ? 0 : 1)
    }
    epilogue.apply(rows: rows, columns: cols)
  }

  /// `out[rows, columns] (+)= W_dt[rows] · x[:, inputColumn ..< inputColumn + columns.count]`.
  private func tapGemm(_ dt: Int, rows: Range<Int>, columns: Range<Int>, inputColumn: Int, beta: Float) {
    let (o, c) = (outputChannels, g.c)
    Compute.serialGemm(
      m: rows.count, n: columns.count, k: c, a: taps! + dt * o * c + rows.lowerBound * c, lda: c,
      b: src + inputColumn, ldb: g.inputPlane, beta: beta,
      c: dst + rows.lowerBound * g.outputPlane + columns.lowerBound, ldc: g.outputPlane,
      packed: packed(PackedIndex.taps + dt, source: taps! + dt * o * c, rows: rows))
  }

  /// Zeroes `columns` of output rows `rows`.
  private func zero(_ rows: Range<Int>, _ columns: Range<Int>) {
    for ch in rows {
      (dst + ch * g.outputPlane + columns.lowerBound).update(repeating: 0, count: columns.count)
    }
  }

  /// General kernels: im2col over chunks of output rows, one GEMM per chunk.
  func im2col() {
    let kk = g.c * g.t.kernel * g.h.kernel * g.w.kernel
    let wo = g.w.output
    let totalLines = g.t.output * g.h.output
    let minimumLines = (Convolution.minimumColumns + wo - 1) / wo
    let perLine = kk * wo * MemoryLayout<Float>.stride
    let linesPerChunk = max(minimumLines, Convolution.im2colBudget / max(perLine, 1), 1)
    // Strided windows wider than one tap read phase-split rows, so every copy is contiguous.
    let phased = g.w.stride > 1 && g.w.kernel > 1 ? Im2col.splitPhases(src, g) : nil
    let phasedBase = phased.map { UnsafePointer($0.base) }
    if splitsChannels(columns: totalLines * wo) {
      // Few positions: one shared column matrix (filled in parallel), GEMM split by channels.
      let scratch = TensorStorage(count: kk * totalLines * wo)
      Im2col.fill(scratch.base, g, src: src, lines: 0..<totalLines, phased: phasedBase, parallel: true)
      let n = totalLines * wo
      let cols = UnsafePointer(scratch.base)
      Compute.splitRange(
        outputChannels, align: 8, minimum: Convolution.minimumChannels, partsPerThread: 1,
        balanced: balancedSplits
      ) {
        rows in
        Compute.serialGemm(
          m: rows.count, n: n, k: kk, a: weight + rows.lowerBound * kk, lda: kk, b: cols, ldb: n, beta: 0,
          c: dst + rows.lowerBound * g.outputPlane, ldc: g.outputPlane,
          packed: packed(PackedIndex.weight, source: weight, rows: rows),
          finish: EpilogueRegion(epilogue: epilogue, rows: rows, columns: 0..<n))
      }
      withExtendedLifetime((scratch, phased)) {}
      return
    }
    let all = 0..<outputChannels
    let minimumPartLines = (Convolution.minimumPartColumns + wo - 1) / wo
    Compute.splitRange(totalLines, align: 1, minimum: minimumPartLines, balanced: balancedSplits) { lines in
      let chunk = min(linesPerChunk, lines.count)
      let scratch = TensorStorage(count: kk * wo * chunk)
      var u0 = lines.lowerBound
      while u0 < lines.upperBound {
        let part = u0..<min(lines.upperBound, u0 + chunk)
        Im2col.fill(scratch.base, g, src: src, lines: part, phased: phasedBase, parallel: false)
        let n = part.count * wo
        Compute.serialGemm(
          m: outputChannels, n: n, k: kk, a: weight, lda: kk, b: scratch.base, ldb: n, beta: 0,
          c: dst + u0 * wo, ldc: g.outputPlane,
          packed: packed(PackedIndex.weight, source: weight, rows: 0..<outputChannels),
          finish: EpilogueRegion(epilogue: epilogue, rows: all, columns: (u0 * wo)..<(u0 * wo + n)))
        u0 = part.upperBound
      }
      withExtendedLifetime(scratch) {}
    }
    withExtendedLifetime(phased) {}
  }
}
