/// The GEMM routes of the forward pass.
extension Convolution {
  /// Bytes of im2col scratch per GEMM (output rows are processed in chunks of about this size).
  static let im2colBudget = 8 << 20

  /// Forward pass into channels `channelOffset...` of `output`, with an optional residual.
  func run(_ x: Tensor, into output: inout Tensor, channelOffset: Int, residual: Tensor?) {
    let g = geometry(x.shape)
    var expected = outputShape(for: x.shape)
    let totalChannels = output.rank > 1 ? output.shape[1] : 0
    expected[1] = totalChannels
    precondition(
      output.shape == expected && channelOffset >= 0 && channelOffset + outputChannels <= totalChannels,
      "Convolution: output \(output.shape) cannot hold \(outputChannels) channels at \(channelOffset)")
    let k = Self.kernel5(weight.shape)
    let plane = g.outputPlane
    let outSample = totalChannels * plane
    output.withUnsafeMutableBufferPointer { outBuffer in
      x.withUnsafeBufferPointer { xb in
        weight.withUnsafeBufferPointer { wb in
          let out = outBuffer.baseAddress!
          for n in 0..<g.n {
            let dst = out + n * outSample + channelOffset * plane
            let src = xb.baseAddress! + n * g.c * g.inputPlane
            let epilogue = Epilogue(
              dst: dst, plane: plane, channels: outputChannels, bias: bias?.storage.base,
              residual: residual.map { r in UnsafePointer(r.storage.base + n * outputChannels * plane) },
              relu: activation == .relu)
            let pointwise =
              k == (1, 1, 1) && stride.allSatisfy { $0 == 1 } && g.t.padBefore == 0 && g.h.padBefore == 0
              && g.w.padBefore == 0 && g.t.output == g.t.input && g.h.output == g.h.input
              && g.w.output == g.w.input
            if pointwise {
              // Column chunks keep each GEMM result in cache for its epilogue.
              let columns = Self.chunkColumns(rows: outputChannels, total: plane)
              var c0 = 0
              while c0 < plane {
                let count = min(columns, plane - c0)
                Compute.gemm(
                  m: outputChannels, n: count, k: g.c, a: wb.baseAddress!, lda: g.c, b: src + c0, ldb: plane,
                  c: dst + c0, ldc: plane)
                epilogue.apply(columns: c0..<(c0 + count))
                c0 += count
              }
            } else if let taps = temporalTaps, g.h.stride == 1, g.w.stride == 1, g.h.padBefore == 0,
              g.w.padBefore == 0, g.h.output == g.h.input, g.w.output == g.w.input
            {
              taps.withUnsafeBufferPointer { tb in
                temporalForward(g, taps: tb.baseAddress!, src: src, dst: dst, epilogue: epilogue)
              }
            } else {
              im2colForward(g, weight: wb.baseAddress!, src: src, dst: dst, epilogue: epilogue)
            }
          }
        }
      }
    }
    withExtendedLifetime((residual, bias)) {}
  }

  /// Bytes of GEMM output produced between two epilogue passes (fits the last-level cache).
  static let outputChunkBytes = 4 << 20

  /// Columns per output chunk for `rows` output channels (at least 2048, at most `total`).
  static func chunkColumns(rows: Int, total: Int) -> Int {
    min(total, max(2048, outputChunkBytes / (max(rows, 1) * MemoryLayout<Float>.stride)))
  }

  /// Temporal k×1×1 convolution as accumulated GEMMs on time-shifted views of the input.
  private func temporalForward(
    _ g: ConvGeometry, taps: UnsafePointer<Float>, src: UnsafePointer<Float>,
    dst: UnsafeMutablePointer<Float>,
    epilogue: Epilogue
  ) {
    let hw = g.h.input * g.w.input
    let (o, c) = (outputChannels, g.c)
    let kt = g.t.kernel
    let framesPerChunk = g.t.stride == 1 ? max(1, Self.chunkColumns(rows: o, total: g.outputPlane) / hw) : 1
    var t0 = 0
    while t0 < g.t.output {
      let chunk = t0..<min(g.t.output, t0 + framesPerChunk)
      // Taps in decreasing coverage; the first one writes with beta 0 when it covers the whole chunk.
      let ranges = (0..<kt).map { dt -> Range<Int> in
        if g.t.stride == 1 { return g.t.validOutputs(tap: dt).clamped(to: chunk) }
        let ti = g.t.start(chunk.lowerBound) + dt
        return ti >= 0 && ti < g.t.input ? chunk : chunk.lowerBound..<chunk.lowerBound
      }
      let order = (0..<kt).sorted { ranges[$0].count > ranges[$1].count }
      var initialised = false
      if ranges[order[0]].count != chunk.count {
        for ch in 0..<o {
          (dst + ch * g.outputPlane + chunk.lowerBound * hw).update(repeating: 0, count: chunk.count * hw)
        }
        initialised = true
      }
      for dt in order where !ranges[dt].isEmpty {
        let range = ranges[dt]
        let ti = g.t.start(range.lowerBound) + dt
        Compute.gemm(
          m: o, n: range.count * hw, k: c, a: taps + dt * o * c, lda: c, b: src + ti * hw, ldb: g.inputPlane,
          beta: initialised ? 1 : 0, c: dst + range.lowerBound * hw, ldc: g.outputPlane)
        initialised = true
      }
      epilogue.apply(columns: (chunk.lowerBound * hw)..<(chunk.upperBound * hw))
      t0 = chunk.upperBound
    }
  }

  /// General convolution: im2col over chunks of output rows, then one GEMM per chunk.
  private func im2colForward(
    _ g: ConvGeometry, weight: UnsafePointer<Float>, src: UnsafePointer<Float>,
    dst: UnsafeMutablePointer<Float>, epilogue: Epilogue
  ) {
    let kk = g.c * g.t.kernel * g.h.kernel * g.w.kernel
    let (ho, wo) = (g.h.output, g.w.output)
    let totalLines = g.t.output * ho
    // Output rows per chunk: the column matrix stays within the budget (cache-sized), but each
    // GEMM keeps at least ~2048 columns.
    let perLine = kk * wo * MemoryLayout<Float>.stride
    let minimumLines = (2048 + wo - 1) / wo
    let linesPerChunk = min(totalLines, max(minimumLines, Self.im2colBudget / max(perLine, 1), 1))
    let scratch = TensorStorage(count: kk * wo * linesPerChunk)
    let cols = scratch.base
    // Strided windows wider than one tap read phase-split rows, so every copy is contiguous.
    let phased = g.w.stride > 1 && g.w.kernel > 1 ? Im2col.splitPhases(src, g) : nil
    var u0 = 0
    while u0 < totalLines {
      let lines = u0..<min(totalLines, u0 + linesPerChunk)
      Im2col.fill(cols, g, src: src, lines: lines, phased: phased.map { UnsafePointer($0.base) })
      let n = lines.count * wo
      Compute.gemm(
        m: outputChannels, n: n, k: kk, a: weight, lda: kk, b: cols, ldb: n, c: dst + u0 * wo,
        ldc: g.outputPlane)
      epilogue.apply(columns: (u0 * wo)..<(u0 * wo + n))
      u0 = lines.upperBound
    }
    withExtendedLifetime((scratch, phased)) {}
  }
}

/// Bias, residual and activation applied to finished GEMM output, chunk by chunk.
struct Epilogue {
  /// First output channel row.
  let dst: UnsafeMutablePointer<Float>
  /// Elements per channel row.
  let plane: Int
  /// Number of rows.
  let channels: Int
  /// Bias per row, or `nil`.
  let bias: UnsafePointer<Float>?
  /// Residual with the same layout as the rows (`channels × plane`), or `nil`.
  let residual: UnsafePointer<Float>?
  /// Whether to apply `max(x, 0)` last.
  let relu: Bool

  init(
    dst: UnsafeMutablePointer<Float>, plane: Int, channels: Int, bias: UnsafeMutablePointer<Float>?,
    residual: UnsafePointer<Float>?, relu: Bool
  ) {
    self.dst = dst
    self.plane = plane
    self.channels = channels
    self.bias = bias.map { UnsafePointer($0) }
    self.residual = residual
    self.relu = relu
  }

  /// Applies the epilogue to `columns` of every row, in parallel over rows.
  func apply(columns: Range<Int>) {
    if bias == nil && residual == nil && !relu { return }
    let box = UncheckedSendable(self)
    Compute.parallelFor(channels) { ch in
      let e = box.value
      let row = e.dst + ch * e.plane + columns.lowerBound
      let count = columns.count
      let b = e.bias?[ch] ?? 0
      if let residual = e.residual {
        let r = residual + ch * e.plane + columns.lowerBound
        if e.relu {
          for i in 0..<count { row[i] = max(row[i] + b + r[i], 0) }
        } else {
          for i in 0..<count { row[i] = row[i] + b + r[i] }
        }
      } else if e.relu {
        for i in 0..<count { row[i] = max(row[i] + b, 0) }
      } else {
        for i in 0..<count { row[i] += b }
      }
    }
  }
}
