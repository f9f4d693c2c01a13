/// The adjoint of `Im2col.fill`: adds a column matrix back into the input positions its windows read.
enum Col2im {
  /// Adds `cols` (`[channels.count · kt·kh·kw, lines.count · w']`, row-major: the rows of `Im2col.fill`
  /// for input channels `channels`) into `dst` (one sample, `[c, t, h, w]`) at the positions each
  /// window tap reads; taps in the padding are dropped. Only channels `channels` of `dst` are
  /// written, so workers owning disjoint channels never race.
  static func add(
    _ cols: UnsafePointer<Float>, _ g: ConvGeometry, into dst: UnsafeMutablePointer<Float>,
    channels: Range<Int>, lines: Range<Int>
  ) {
    let (kt, kh, kw) = (g.t.kernel, g.h.kernel, g.w.kernel)
    let (ho, wo) = (g.h.output, g.w.output)
    let (hi, wi) = (g.h.input, g.w.input)
    let rowLength = lines.count * wo
    let s = g.w.stride
    let taps = kt * kh * kw
    for local in 0..<(channels.count * taps) {
      let r = channels.lowerBound * taps + local
      let dx = r % kw
      let dy = (r / kw) % kh
      let dt = (r / (kw * kh)) % kt
      let c = r / taps
      let xs = g.w.validOutputs(tap: dx)
      if xs.isEmpty { continue }
      let x0 = g.w.start(xs.lowerBound) + dx
      var row = cols + local * rowLength
      for u in lines {
        defer { row += wo }
        let ti = g.t.start(u / ho) + dt
        let yi = g.h.start(u % ho) + dy
        if ti < 0 || ti >= g.t.input || yi < 0 || yi >= hi { continue }
        let line = dst + ((c * g.t.input + ti) * hi + yi) * wi + x0
        let from = row + xs.lowerBound
        if s == 1 {
          for j in 0..<xs.count { line[j] += from[j] }
        } else {
          for j in 0..<xs.count { line[j * s] += from[j] }
        }
      }
    }
  }
}
