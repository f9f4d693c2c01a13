/// One iteration of the TV-L1 primal–dual scheme (Zach, Pock, Bischof 2007), fused into one sweep
/// over the rows: OpenCV's `estimateV`, `divergence`, `estimateU`, `forwardGradient` and
/// `estimateDualVariables`, with the same arithmetic per pixel.
///
/// Per pixel, with ρ = rho + ∇I1w·u and λθ = `lt`:
/// - v = u + λθ ∇I1w if ρ < −λθ|∇I1w|², u − λθ ∇I1w if ρ > λθ|∇I1w|², else u − ρ ∇I1w / |∇I1w|²
///   (u itself when |∇I1w|² ≤ FLT_EPSILON);
/// - u ← v + θ div p (backward differences, OpenCV's border rule);
/// - p ← (p + τ/θ ∇u) / (1 + τ/θ |∇u|) (forward differences, 0 on the last row and column).
///
/// The arithmetic is OpenCV's operation for operation (same order, no fused multiply-adds, |∇u| as
/// `hypot` in double precision, the error a single-precision sum in row-major order), because the
/// scheme amplifies last-bit differences: on some frame pairs a one-bit change in one pixel's
/// divergence moves the final flow by a tenth of a pixel on average.
///
/// Row `y`'s new u needs the old p of rows `y` and `y − 1`, and row `y − 1`'s new p needs the new
/// u of rows `y − 1` and `y`; so a sweep updates u of row `y`, then p of row `y − 1`. Threads sweep
/// bands of rows; p of each band's last row waits for the next band's first u and is updated
/// after the sweep, on the calling thread.
struct DualIteration {
  /// λθ.
  let lt: Float
  /// θ.
  let theta: Float
  /// τ/θ.
  let taut: Float
  let scale: ScaleWorkspace
  private let lastChunk: Int
  /// Lanes of the last chunk that are pixels (not padding).
  private let pixelLanes: SIMDMask<SIMD8<Int32>>
  /// The lane of the last chunk that holds the last column.
  private let lastColumnLane: SIMDMask<SIMD8<Int32>>

  /// An iteration on `scale`'s buffers with the given settings.
  init(scale: ScaleWorkspace, parameters: TVL1Parameters) {
    lt = Float(parameters.lambda * parameters.theta)
    theta = Float(parameters.theta)
    taut = Float(parameters.tau / parameters.theta)
    self.scale = scale
    lastChunk = scale.paddedWidth - 8
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(lastChunk)
    pixelLanes = lanes .< Int32(scale.width)
    lastColumnLane = lanes .== Int32(scale.width - 1)
  }

  /// Runs one iteration over the whole level and returns Σ |u_new − u_old|² (OpenCV's `error`).
  ///
  /// The sum is taken in double precision across threads; when it lies within 1 % of `threshold`,
  /// where the stopping decision could depend on rounding, it is recomputed as OpenCV does it: one
  /// single-precision running sum over the pixels in row-major order.
  func run(threshold: Float) -> Float {
    let bands = FlowThreads.bands(scale.height)
    let errors = UnsafeMutablePointer<Double>.allocate(capacity: bands.count)
    defer { errors.deallocate() }
    FlowThreads.forEachBand(bands.count) { b in
      errors[b] = sweep(bands[b], isLast: b == bands.count - 1)
    }
    for band in bands.dropLast() {
      updateDual(row: band.upperBound - 1, next: band.upperBound)
    }
    var total = 0.0
    for b in 0..<bands.count { total += errors[b] }
    guard abs(total - Double(threshold)) <= 0.01 * Double(threshold) else { return Float(total) }
    var serial: Float = 0
    for y in 0..<scale.height {
      let terms = scale.errorTerms.row(y)
      for x in 0..<scale.width { serial += terms[x] }
    }
    return serial
  }

  /// Updates u of every row of `rows` and p of all but its last row (all rows if `isLast`).
  private func sweep(_ rows: Range<Int>, isLast: Bool) -> Double {
    var error = 0.0
    for y in rows {
      error += Double(updateFlow(row: y))
      if y > rows.lowerBound { updateDual(row: y - 1, next: y) }
    }
    if isLast { updateDual(row: rows.upperBound - 1, next: rows.upperBound - 1) }
    return error
  }

  /// u ← v + θ div p on row `y` (p of rows `y` and `y − 1` not yet updated); returns the row's
  /// Σ |Δu|².
  @inline(__always)
  private func updateFlow(row y: Int) -> Float {
    let s = scale
    let ix = s.warpedX.row(y)
    let iy = s.warpedY.row(y)
    let gradient = s.gradient.row(y)
    let rho = s.rho.row(y)
    let u1 = s.u1.row(y)
    let u2 = s.u2.row(y)
    let p11 = s.p11.row(y)
    let p12 = s.p12.row(y)
    let p12Above = s.p12.row(y - 1)
    let p21 = s.p21.row(y)
    let p22 = s.p22.row(y)
    let p22Above = s.p22.row(y - 1)
    let terms = s.errorTerms.row(y)
    let lt = SIMD8<Float>(repeating: self.lt)
    let theta = SIMD8<Float>(repeating: self.theta)
    let epsilon = SIMD8<Float>(repeating: .ulpOfOne)
    var error = SIMD8<Float>()
    var x = 0
    while x < s.paddedWidth {
      let gx = ix.load8(x)
      let gy = iy.load8(x)
      let g = gradient.load8(x)
      let old1 = u1.load8(x)
      let old2 = u2.load8(x)
      let r = rho.load8(x) + (gx * old1 + gy * old2)
      let ltg = lt * g
      var factor = (-r / g).replacing(with: 0, where: .!(g .> epsilon))
      factor.replace(with: -lt, where: r .> ltg)
      factor.replace(with: lt, where: r .< -ltg)
      let v1 = old1 + factor * gx
      let v2 = old2 + factor * gy
      var div1 = (p11.load8(x) - p11.load8(x - 1)) + (p12.load8(x) - p12Above.load8(x))
      var div2 = (p21.load8(x) - p21.load8(x - 1)) + (p22.load8(x) - p22Above.load8(x))
      if x == 0 {
        // OpenCV's first column: (p·1 + p·2) − p·2 above, in that order.
        div1[0] = (p11[0] + p12[0]) - p12Above[0]
        div2[0] = (p21[0] + p22[0]) - p22Above[0]
      }
      var new1 = v1 + theta * div1
      var new2 = v2 + theta * div2
      if x == lastChunk {
        new1.replace(with: 0, where: .!pixelLanes)
        new2.replace(with: 0, where: .!pixelLanes)
      }
      let d1 = new1 - old1
      let d2 = new2 - old2
      let term = d1 * d1 + d2 * d2
      terms.store8(term, x)
      error += term
      u1.store8(new1, x)
      u2.store8(new2, x)
      x += 8
    }
    return error.sum()
  }

  /// p ← (p + τ/θ ∇u) / (1 + τ/θ |∇u|) on row `y`, whose forward y-difference reads row `next`
  /// (`y` itself on the last row, giving 0).
  @inline(__always)
  private func updateDual(row y: Int, next: Int) {
    let s = scale
    let u1 = s.u1.row(y)
    let u2 = s.u2.row(y)
    let u1Below = s.u1.row(next)
    let u2Below = s.u2.row(next)
    let p11 = s.p11.row(y)
    let p12 = s.p12.row(y)
    let p21 = s.p21.row(y)
    let p22 = s.p22.row(y)
    let taut = SIMD8<Float>(repeating: self.taut)
    var x = 0
    while x < s.paddedWidth {
      let a1 = u1.load8(x)
      let a2 = u2.load8(x)
      var u1x = u1.load8(x + 1) - a1
      var u2x = u2.load8(x + 1) - a2
      if x == lastChunk {
        u1x.replace(with: 0, where: lastColumnLane)
        u2x.replace(with: 0, where: lastColumnLane)
      }
      let u1y = u1Below.load8(x) - a1
      let u2y = u2Below.load8(x) - a2
      let n1 = 1 + taut * hypot(u1x, u1y)
      let n2 = 1 + taut * hypot(u2x, u2y)
      p11.store8((p11.load8(x) + taut * u1x) / n1, x)
      p12.store8((p12.load8(x) + taut * u1y) / n1, x)
      p21.store8((p21.load8(x) + taut * u2x) / n2, x)
      p22.store8((p22.load8(x) + taut * u2y) / n2, x)
      x += 8
    }
  }
}

/// √(a² + b²) lane by lane, computed in double precision and rounded once, as OpenCV's
/// `static_cast<float>(hypot(a, b))` (the squares are exact in double, so the result is the
/// correctly rounded float in all but vanishingly rare ties).
@inline(__always)
private func hypot(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
  let (a0, a1) = (SIMD4<Double>(a.lowHalf), SIMD4<Double>(a.highHalf))
  let (b0, b1) = (SIMD4<Double>(b.lowHalf), SIMD4<Double>(b.highHalf))
  let low = SIMD4<Float>((a0 * a0 + b0 * b0).squareRoot())
  let high = SIMD4<Float>((a1 * a1 + b1 * b1).squareRoot())
  return SIMD8(lowHalf: low, highHalf: high)
}
