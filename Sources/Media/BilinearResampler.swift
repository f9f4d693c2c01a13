import Primitives

/// Bilinear resampling of packed RGB8 to Float, with the sampling grid of PyTorch's
/// `F.interpolate(mode="bilinear", align_corners=False, antialias=False)`.
///
/// Output pixel `i` of an axis samples the source at `s = max(0, (i + 0.5) * in / out - 0.5)`
/// (computed in `Float`, like PyTorch for float tensors), between source pixels `floor(s)` and
/// `min(floor(s) + 1, in - 1)` with weights `1 - (s - floor(s))` and `s - floor(s)`. A value is
/// `(p00 * wx0 + p01 * wx1) * wy0 + (p10 * wx0 + p11 * wx1) * wy1`, the order PyTorch's CPU kernel
/// uses, so results agree with it to float rounding (≤ 1e-4 on the 0–255 scale).
struct BilinearResampler {
  /// One output coordinate's two source taps and their weights.
  struct Tap {
    var lower: Int
    var upper: Int
    var lowerWeight: Float
    var upperWeight: Float
  }

  /// Taps along x (in pixels, not bytes).
  let columns: [Tap]
  /// Taps along y.
  let rows: [Tap]
  /// Source size.
  let sourceWidth: Int
  /// Source size.
  let sourceHeight: Int

  /// Tables for resampling a `sourceWidth`×`sourceHeight` image to `width`×`height`.
  init(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) {
    precondition(sourceWidth > 0 && sourceHeight > 0, "cannot resize an empty image")
    precondition(width > 0 && height > 0, "resize target must be at least 1x1, got \(width)x\(height)")
    self.sourceWidth = sourceWidth
    self.sourceHeight = sourceHeight
    columns = Self.taps(input: sourceWidth, output: width)
    rows = Self.taps(input: sourceHeight, output: height)
  }

  /// The taps of one axis, PyTorch's `align_corners=False` source-index rule.
  static func taps(input: Int, output: Int) -> [Tap] {
    let scale = Float(input) / Float(output)
    return (0..<output).map { i in
      let source = max(scale * (Float(i) + 0.5) - 0.5, 0)
      let lower = min(Int(source.rounded(.down)), input - 1)
      let upper = lower < input - 1 ? lower + 1 : lower
      let weight = min(max(source - Float(lower), 0), 1)
      return Tap(lower: lower, upper: upper, lowerWeight: 1 - weight, upperWeight: weight)
    }
  }

  /// Interpolates output row `y` as packed RGB floats on the 0–255 scale into `row`
  /// (`columns.count * 3` values).
  func interpolateRow(
    _ y: Int, source: UnsafeBufferPointer<UInt8>, into row: UnsafeMutableBufferPointer<Float>
  ) {
    let tap = rows[y]
    let stride = sourceWidth * 3
    let top = tap.lower * stride
    let bottom = tap.upper * stride
    columns.withUnsafeBufferPointer { columns in
      for (x, column) in columns.enumerated() {
        let left = column.lower * 3
        let right = column.upper * 3
        for c in 0..<3 {
          let p00 = Float(source[top + left + c])
          let p01 = Float(source[top + right + c])
          let p10 = Float(source[bottom + left + c])
          let p11 = Float(source[bottom + right + c])
          let upperRow = p00 * column.lowerWeight + p01 * column.upperWeight
          let lowerRow = p10 * column.lowerWeight + p11 * column.upperWeight
          row[x * 3 + c] = upperRow * tap.lowerWeight + lowerRow * tap.upperWeight
        }
      }
    }
  }
}
