/// The GEMM routes of the forward pass.
extension Convolution {
  /// Bytes of im2col scratch per GEMM before the output frames are split into chunks.
  static let im2colBudget = 16 << 20

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
            let pointwise =
              k == (1, 1, 1) && stride.allSatisfy { $0 == 1 } && g.t.padBefore == 0 && g.h.padBefore == 0
              && g.w.padBefore == 0 && g.t.output == g.t.input && g.h.output == g.h.input
              && g.w.output == g.w.input
            if pointwise {
              Compute.gemm(
                m: outputChannels, n: plane, k: g.c, a: wb.baseAddress!, lda: g.c, b: src, ldb: plane,
                c: dst, ldc: plane)
            } else if let taps = temporalTaps, g.h.stride == 1, g.w.stride == 1, g.h.padBefore == 0,
              g.w.padBefore == 0, g.h.output == g.h.input, g.w.output == g.w.input
            {
              taps.withUnsafeBufferPointer { tb in
                temporalForward(g, taps: tb.baseAddress!, src: src, dst: dst)
              }
            } else {
              im2colForward(g, weight: wb.baseAddress!, src: src, dst: dst)
            }
            let res = residual.map { r in r.storage.base + n * outputChannels * plane }
            epilogue(dst, channels: outputChannels, plane: plane, residual: res)
          }
        }
      }
    }
    withExtendedLifetime(residual) {}
  }

  /// Temporal k×1×1 convolution as accumulated GEMMs on time-shifted views of the input.
  private func temporalForward(
    _ g: ConvGeometry, taps: UnsafePointer<Float>, src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>
  ) {
    let hw = g.h.input * g.w.input
    let (o, c) = (outputChannels, g.c)
    let kt = g.t.kernel
    if g.t.stride == 1 {
      // Tap order: one covering every output frame first (beta 0), else zero the output.
      let order = (0..<kt).sorted { g.t.validOutputs(tap: $0).count > g.t.validOutputs(tap: $1).count }
      var initialised = false
      if g.t.validOutputs(tap: order[0]).count != g.t.output {
        for ch in 0..<o { (dst + ch * g.outputPlane).update(repeating: 0, count: g.outputPlane) }
        initialised = true
      }
      for dt in order {
        let range = g.t.validOutputs(tap: dt)
        if range.isEmpty { continue }
        let ti = range.lowerBound + dt - g.t.padBefore
        Compute.gemm(
          m: o, n: range.count * hw, k: c, a: taps + dt * o * c, lda: c, b: src + ti * hw, ldb: g.inputPlane,
          beta: initialised ? 1 : 0, c: dst + range.lowerBound * hw, ldc: g.outputPlane)
        initialised = true
      }
    } else {
      for to in 0..<g.t.output {
        var initialised = false
        for dt in 0..<kt {
          let ti = g.t.start(to) + dt
          if ti < 0 || ti >= g.t.input { continue }
          Compute.gemm(
            m: o, n: hw, k: c, a: taps + dt * o * c, lda: c, b: src + ti * hw, ldb: g.inputPlane,
            beta: initialised ? 1 : 0, c: dst + to * hw, ldc: g.outputPlane)
          initialised = true
        }
        if !initialised {
          for ch in 0..<o { (dst + ch * g.outputPlane + to * hw).update(repeating: 0, count: hw) }
        }
      }
    }
  }

  /// General convolution: im2col over chunks of output frames, then one GEMM per chunk.
  private func im2colForward(
    _ g: ConvGeometry, weight: UnsafePointer<Float>, src: UnsafePointer<Float>,
    dst: UnsafeMutablePointer<Float>
  ) {
    let kk = g.c * g.t.kernel * g.h.kernel * g.w.kernel
    let frame = g.h.output * g.w.output
    let perFrame = kk * frame * MemoryLayout<Float>.stride
    let framesPerChunk = max(1, min(g.t.output, Self.im2colBudget / max(perFrame, 1)))
    let scratch = TensorStorage(count: kk * frame * framesPerChunk)
    let cols = scratch.base
    // Strided windows wider than one tap read phase-split rows, so every copy is contiguous.
    let phased = g.w.stride > 1 && g.w.kernel > 1 ? Im2col.splitPhases(src, g) : nil
    var t0 = 0
    while t0 < g.t.output {
      let nt = min(framesPerChunk, g.t.output - t0)
      Im2col.fill(
        cols, g, src: src, firstFrame: t0, frames: nt, phased: phased.map { UnsafePointer($0.base) })
      Compute.gemm(
        m: outputChannels, n: nt * frame, k: kk, a: weight, lda: kk, b: cols, ldb: nt * frame,
        c: dst + t0 * frame, ldc: g.outputPlane)
      t0 += nt
    }
    withExtendedLifetime((scratch, phased)) {}
  }

  /// Adds bias and residual, applies the activation, over `channels` rows of `plane` elements.
  private func epilogue(
    _ dst: UnsafeMutablePointer<Float>, channels: Int, plane: Int, residual: UnsafePointer<Float>?
  ) {
    let biasBase = bias?.storage.base
    if biasBase == nil && residual == nil && activation == .identity { return }
    let relu = activation == .relu
    let box = UncheckedSendable((dst, residual, biasBase))
    Compute.parallelFor(channels) { ch in
      let (dst, residual, biasBase) = box.value
      let row = dst + ch * plane
      let b = biasBase?[ch] ?? 0
      if let residual {
        let r = residual + ch * plane
        if relu {
          for i in 0..<plane { row[i] = max(row[i] + b + r[i], 0) }
        } else {
          for i in 0..<plane { row[i] = row[i] + b + r[i] }
        }
      } else if relu {
        for i in 0..<plane { row[i] = max(row[i] + b, 0) }
      } else {
        for i in 0..<plane { row[i] += b }
      }
    }
    withExtendedLifetime(bias) {}
  }
}
