/// The max-pool gradient of small planes, one plane per SIMD lane.
///
/// The separable route costs a few short loops per plane, which on the head's ROI tubes (5×7×7
/// planes, thousands per step) outweigh the comparisons: 1.2 µs per 245-element plane. Here 16
/// planes are transposed side by side (element `i` of plane `l` at lane `l` of vector `i`), the
/// same separable passes run once for all 16, and the result is transposed back.
extension MaxPool {
  /// Largest plane (input elements) that takes ``laneParallelBackward(x:dy:dx:geometry:)``: its six
  /// 16-lane buffers (values, sums, and the W and H passes' winners) then stay within 800 KB.
  static let lanePlaneLimit = 2048
  /// Fewest planes worth a lane-parallel pass (one full group).
  static let laneMinimumPlanes = 16

  /// Whether a pool of this geometry takes the lane-parallel route.
  static func takesLaneRoute(_ geometry: PoolGeometry) -> Bool {
    geometry.planes >= laneMinimumPlanes && geometry.inputVolume <= lanePlaneLimit
  }

  /// dL/dx into `dx` (every element written): each window's output gradient to the first maximum
  /// of the window in T, H, W scan order (a strict `>` keeps the first; −∞ and NaN never win, as in
  /// the separable route).
  static func laneParallelBackward(
    x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
    geometry: PoolGeometry
  ) {
    typealias Lanes = SIMD16<Float>
    let width = Lanes.scalarCount
    let (t, h, w) = (geometry.passes[0].ranges, geometry.passes[1].ranges, geometry.passes[2].ranges)
    let (hi, wi) = (geometry.input[1], geometry.input[2])
    let (inVolume, outVolume, planes) = (geometry.inputVolume, geometry.outputVolume, geometry.planes)
    let box = UncheckedSendable((x, dy, dx))
    Compute.parallelFor((planes + width - 1) / width) { group in
      let (x0, dy0, dx0) = box.value
      let first = group * width
      let lanes = min(width, planes - first)
      let values = UnsafeMutablePointer<Lanes>.allocate(capacity: inVolume)
      let sums = UnsafeMutablePointer<Lanes>.allocate(capacity: inVolume)
      defer {
        values.deallocate()
        sums.deallocate()
      }
      // Lanes past the last plane hold −∞: they never win and are never written back.
      values.initialize(repeating: Lanes(repeating: -.infinity), count: inVolume)
      sums.initialize(repeating: Lanes(), count: inVolume)
      let (valueScalars, sumScalars) = (
        UnsafeMutableRawPointer(values).assumingMemoryBound(to: Float.self),
        UnsafeMutableRawPointer(sums).assumingMemoryBound(to: Float.self)
      )
      for l in 0..<lanes {
        let src = x0 + (first + l) * inVolume
        for i in 0..<inVolume { valueScalars[i * width + l] = src[i] }
      }
      // Separable first maxima, as the other route: along W for every input row, then along H,
      // then along T (the first maximum of the window in T, H, W scan order).
      let (ti, ho, wo) = (geometry.input[0], h.count, w.count)
      let (rowsW, rowsH) = (ti * hi * wo, ti * ho * wo)
      let best = UnsafeMutablePointer<Lanes>.allocate(capacity: rowsW + rowsH)
      let arg = UnsafeMutablePointer<SIMD16<Int32>>.allocate(capacity: rowsW + rowsH)
      defer {
        best.deallocate()
        arg.deallocate()
      }
      let (bestW, argW, bestH, argH) = (best, arg, best + rowsW, arg + rowsW)
      for r in 0..<(ti * hi) {
        for (ox, rw) in w.enumerated() {
          var top = Lanes(repeating: -.infinity)
          var at = SIMD16<Int32>(repeating: -1)
          for ix in rw {
            let i = r * wi + ix
            let wins = values[i] .> top
            top.replace(with: values[i], where: wins)
            at.replace(with: SIMD16(repeating: Int32(truncatingIfNeeded: i)), where: wins)
          }
          (bestW[r * wo + ox], argW[r * wo + ox]) = (top, at)
        }
      }
      for it in 0..<ti {
        for (oy, rh) in h.enumerated() {
          for ox in 0..<wo {
            (bestH[(it * ho + oy) * wo + ox], argH[(it * ho + oy) * wo + ox]) = Self.firstMaximum(
              bestW, argW, first: (it * hi + rh.lowerBound) * wo + ox, step: wo, count: rh.count)
          }
        }
      }
      let slice = ho * wo
      for (ot, rt) in t.enumerated() {
        for j in 0..<slice {
          let (_, at) = Self.firstMaximum(
            bestH, argH, first: rt.lowerBound * slice + j, step: slice, count: rt.count)
          let o = ot * slice + j
          for l in 0..<lanes where at[l] >= 0 {
            sumScalars[Int(at[l]) * width + l] += dy0[(first + l) * outVolume + o]
          }
        }
      }
      for l in 0..<lanes {
        let dst = dx0 + (first + l) * inVolume
        for i in 0..<inVolume { dst[i] = sumScalars[i * width + l] }
      }
    }
  }

  /// The first maximum (strict `>`, lane by lane) of `count` earlier winners `step` apart from
  /// `first`, and the input index each lane's came from; −∞ and −1 when there are none.
  @inline(__always)
  private static func firstMaximum(
    _ best: UnsafePointer<SIMD16<Float>>, _ arg: UnsafePointer<SIMD16<Int32>>, first: Int, step: Int,
    count: Int
  ) -> (SIMD16<Float>, SIMD16<Int32>) {
    var top = SIMD16<Float>(repeating: -.infinity)
    var at = SIMD16<Int32>(repeating: -1)
    for q in 0..<count {
      let k = first + q * step
      let wins = best[k] .> top
      top.replace(with: best[k], where: wins)
      at.replace(with: arg[k], where: wins)
    }
    return (top, at)
  }
}
