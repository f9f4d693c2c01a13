/// Warping of frame 1 by the current flow, and the data term's constants: OpenCV's
/// `buildFlowMap` + three `remap(..., INTER_CUBIC)` + `calcGradRho`, in one pass.
///
/// Pixel `(x, y)` samples frame 1 (and its two gradients) at `(x + u1, y + u2)` with Keys' cubic
/// kernel (a = −0.75, OpenCV's), 4 × 4 taps, and zero outside the image (`BORDER_CONSTANT`, value
/// 0). The sample position is used at full single precision: OpenCV 5.1's remap (IPP) does not
/// round it to 1/32 pixel as OpenCV's own remap did. This is the one step not bit-exact with
/// OpenCV: IPP's rounding is not reproduced (results agree to ~1e-6 relative).
enum BicubicWarp {
  /// Keys' cubic weights (a = −0.75) of the 4 taps around a sample at fraction `t` ∈ [0, 1) past
  /// the second tap.
  @inline(__always)
  static func weights(_ t: Float) -> SIMD4<Float> {
    let a: Float = -0.75
    let t1 = t + 1
    let s = 1 - t
    let w0 = ((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a
    let w1 = ((a + 2) * t - (a + 3)) * t * t + 1
    let w2 = ((a + 2) * s - (a + 3)) * s * s + 1
    return SIMD4(w0, w1, w2, 1 - w0 - w1 - w2)
  }

  /// Fills the warping's constants of one scale: `warpedX`, `warpedY` (frame 1's gradients at the
  /// warped positions), `gradient` = |∇I1(x+u)|² and `rho` = I1(x+u) − ∇I1(x+u)·u − I0, for the
  /// flow `(u1, u2)`; padding columns are set to 0.
  static func apply(_ scale: ScaleWorkspace) {
    let width = scale.width
    let height = scale.height
    FlowThreads.forEachRow(height) { y in
      let u1 = scale.u1.row(y)
      let u2 = scale.u2.row(y)
      let i0 = scale.i0.row(y)
      let outX = scale.warpedX.row(y)
      let outY = scale.warpedY.row(y)
      let gradient = scale.gradient.row(y)
      let rho = scale.rho.row(y)
      for x in 0..<width {
        let (w, wx, wy) = sample(scale, x: Float(x) + u1[x], y: Float(y) + u2[x])
        outX[x] = wx
        outY[x] = wy
        gradient[x] = wx * wx + wy * wy
        rho[x] = w - wx * u1[x] - wy * u2[x] - i0[x]
      }
      for x in width..<scale.paddedWidth {
        outX[x] = 0
        outY[x] = 0
        gradient[x] = 0
        rho[x] = 0
      }
    }
  }

  /// Frame 1 and its x and y gradients at `(x, y)`, cubic-interpolated with zeros outside.
  @inline(__always)
  static func sample(_ scale: ScaleWorkspace, x: Float, y: Float) -> (Float, Float, Float) {
    let width = scale.width
    let height = scale.height
    // Beyond 2 pixels outside, every tap is outside (NaN fails these tests too).
    guard x > -2, x < Float(width + 1), y > -2, y < Float(height + 1) else { return (0, 0, 0) }
    let fx = x.rounded(.down)
    let fy = y.rounded(.down)
    let wx = weights(x - fx)
    let wy = weights(y - fy)
    let left = Int(fx) - 1
    let top = Int(fy) - 1
    let images = (scale.i1, scale.i1x, scale.i1y)
    if left >= 0, left + 3 < width, top >= 0, top + 3 < height {
      var sums = SIMD4<Float>()
      var sumsX = SIMD4<Float>()
      var sumsY = SIMD4<Float>()
      for j in 0..<4 {
        let offset = left
        sums[j] = (load4(images.0.row(top + j) + offset) * wx).sum()
        sumsX[j] = (load4(images.1.row(top + j) + offset) * wx).sum()
        sumsY[j] = (load4(images.2.row(top + j) + offset) * wx).sum()
      }
      return ((sums * wy).sum(), (sumsX * wy).sum(), (sumsY * wy).sum())
    }
    // Near or past an edge: taps outside the image weigh 0.
    var maskedX = wx
    var columns = SIMD4<Int32>()
    for i in 0..<4 {
      let c = left + i
      if c < 0 || c >= width { maskedX[i] = 0 }
      columns[i] = Int32(min(max(c, 0), width - 1))
    }
    var result: (Float, Float, Float) = (0, 0, 0)
    for j in 0..<4 where top + j >= 0 && top + j < height {
      var h = SIMD3<Float>()
      for i in 0..<4 {
        let c = Int(columns[i])
        h += maskedX[i] * SIMD3(images.0.row(top + j)[c], images.1.row(top + j)[c], images.2.row(top + j)[c])
      }
      result.0 += wy[j] * h.x
      result.1 += wy[j] * h.y
      result.2 += wy[j] * h.z
    }
    return result
  }

  /// The 4 floats at `pointer`.
  @inline(__always)
  private static func load4(_ pointer: UnsafeMutablePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
  }
}
