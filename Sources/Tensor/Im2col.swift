/// Lowering of convolution windows to a column matrix for GEMM.
enum Im2col {
  /// Fills `cols` (`[c·kt·kh·kw, lines.count·w']`, row-major) for the output rows `lines`, numbered
  /// `frame · h' + y` across all output frames; positions in the padding read as zero.
  ///
  /// `phased`, when given, is `splitPhases(src, g)`: strided column gathers then become contiguous copies.
  static func fill(
    _ cols: UnsafeMutablePointer<Float>, _ g: ConvGeometry, src: UnsafePointer<Float>, lines: Range<Int>,
    phased: UnsafePointer<Float>? = nil, parallel: Bool = true
  ) {
    let (kt, kh, kw) = (g.t.kernel, g.h.kernel, g.w.kernel)
    let rows = g.c * kt * kh * kw
    let (ho, wo) = (g.h.output, g.w.output)
    let rowLength = lines.count * wo
    let (hi, wi) = (g.h.input, g.w.input)
    let validX = (0..<kw).map { g.w.validOutputs(tap: $0) }
    let s = g.w.stride
    let phaseLength = (wi + s - 1) / s
    let box = UncheckedSendable((cols, src, phased))
    let body = { (r: Int) in
      let (cols, src, phased) = box.value
      let dx = r % kw
      let dy = (r / kw) % kh
      let dt = (r / (kw * kh)) % kt
      let c = r / (kw * kh * kt)
      let xs = validX[dx]
      var out = cols + r * rowLength
      for u in lines {
        let ti = g.t.start(u / ho) + dt
        let oy = u % ho
        do {
          let yi = g.h.start(oy) + dy
          if ti < 0 || ti >= g.t.input || yi < 0 || yi >= hi || xs.isEmpty {
            out.update(repeating: 0, count: wo)
            out += wo
            continue
          }
          let line = src + ((c * g.t.input + ti) * hi + yi) * wi
          if xs.lowerBound > 0 { out.update(repeating: 0, count: xs.lowerBound) }
          let x0 = g.w.start(xs.lowerBound) + dx
          if s == 1 {
            (out + xs.lowerBound).update(from: line + x0, count: xs.count)
          } else if let phased {
            // x0 = j * s + p: phase p of the line, from element j.
            let row = phased + ((c * g.t.input + ti) * hi + yi) * s * phaseLength
            (out + xs.lowerBound).update(from: row + (x0 % s) * phaseLength + x0 / s, count: xs.count)
          } else {
            let o = out + xs.lowerBound
            for j in 0..<xs.count { o[j] = line[x0 + j * s] }
          }
          if xs.upperBound < wo { (out + xs.upperBound).update(repeating: 0, count: wo - xs.upperBound) }
          out += wo
        }
      }
    }
    if parallel {
      Compute.parallelFor(rows, body)
    } else {
      for r in 0..<rows { body(r) }
    }
  }

  /// Splits every input row into its `stride` phases: element `x = j·s + p` of a row goes to
  /// `p · ceil(w / s) + j` of that row's block (`[c, t, h, s, ceil(w / s)]`).
  static func splitPhases(_ src: UnsafePointer<Float>, _ g: ConvGeometry) -> TensorStorage {
    let (wi, s) = (g.w.input, g.w.stride)
    let phaseLength = (wi + s - 1) / s
    let lines = g.c * g.t.input * g.h.input
    let storage = TensorStorage(count: lines * s * phaseLength)
    let box = UncheckedSendable((src, storage.base))
    Compute.parallelFor(lines) { l in
      let (src, dst) = box.value
      let line = src + l * wi
      let out = dst + l * s * phaseLength
      for p in 0..<s {
        let o = out + p * phaseLength
        var j = 0
        var x = p
        while x < wi {
          o[j] = line[x]
          j += 1
          x += s
        }
      }
    }
    return storage
  }
}
