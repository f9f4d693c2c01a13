/// The image gradient TV-L1 warps with frame 1: OpenCV's `centeredGradient`.
///
/// Inside, central differences `(f(x+1) − f(x−1)) / 2`; on the border rows and columns, half the
/// one-sided difference (`(f(1) − f(0)) / 2`, `(f(n−1) − f(n−2)) / 2`), as OpenCV does.
enum CentredGradient {
  /// Writes ∂/∂x of `source` to `dx` and ∂/∂y to `dy` (same size, at least 2 × 2); padding stays 0.
  static func compute(_ source: Plane, dx: Plane, dy: Plane) {
    let width = source.width
    let height = source.height
    let half = SIMD8<Float>(repeating: 0.5)
    FlowThreads.forEachRow(height) { y in
      let row = source.row(y)
      let above = source.row(max(y - 1, 0))
      let below = source.row(min(y + 1, height - 1))
      let outX = dx.row(y)
      let outY = dy.row(y)
      var x = 0
      while x < source.paddedWidth {
        outX.store8(half * (row.load8(x + 1) - row.load8(x - 1)), x)
        outY.store8(half * (below.load8(x) - above.load8(x)), x)
        x += 8
      }
      outX[0] = 0.5 * (row[1] - row[0])
      outX[width - 1] = 0.5 * (row[width - 1] - row[width - 2])
      for x in width..<source.paddedWidth {
        outX[x] = 0
        outY[x] = 0
      }
    }
  }
}
