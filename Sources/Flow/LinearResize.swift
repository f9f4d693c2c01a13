/// Bilinear resizing of a plane as OpenCV 5.1's `cv::resize(..., INTER_LINEAR)` does it on floats
/// (its IPP path), bit for bit.
///
/// Destination pixel `d` samples source coordinate `(d + 0.5) · scale − 0.5` (pixel centres
/// aligned, double precision); `scale` is `1 / factor` when OpenCV is given a factor (the pyramid)
/// and `source / destination` when it is given a size (the flow's upsampling). Each row is
/// interpolated horizontally, then the two rows vertically, each step as one fused multiply-add
/// `a + (b − a) · t` with `t` the fraction rounded to single precision. Past an edge the border
/// pixel is repeated (its fraction set to 0). No antialiasing: a 0.8× reduction reads only the two
/// nearest rows and columns. (Matching `tools/make_flow_fixtures.py`'s OpenCV exactly matters:
/// TV-L1 amplifies last-bit differences on some frame pairs.)
enum LinearResize {
  /// The two source indices and their weights for each destination index along one axis.
  struct Taps {
    var first: [Int]
    var second: [Int]
    /// How far past `first` towards `second` the sample lies, in [0, 1).
    var fraction: [Float]

    /// Taps for `destination` samples from `source` ones.
    init(destination: Int, source: Int, scale: Double) {
      first = []
      second = []
      fraction = []
      for d in 0..<destination {
        let position = (Double(d) + 0.5) * scale - 0.5
        var s = Int(position.rounded(.down))
        var f = Float(position - Double(s))
        if s < 0 {
          s = 0
          f = 0
        }
        if s >= source - 1 {
          s = source - 1
          f = 0
        }
        first.append(s)
        second.append(min(s + 1, source - 1))
        fraction.append(f)
      }
    }
  }

  /// Resizes `source` into `destination` (whose size is the target) and multiplies by `factor`;
  /// `scaleX`/`scaleY` are source pixels per destination pixel as OpenCV computes them.
  static func resize(
    _ source: Plane, into destination: Plane, scaleX: Double, scaleY: Double, multipliedBy factor: Float = 1
  ) {
    let xs = Taps(destination: destination.width, source: source.width, scale: scaleX)
    let ys = Taps(destination: destination.height, source: source.height, scale: scaleY)
    let width = destination.width
    FlowThreads.forEachRow(destination.height) { y in
      let top = source.row(ys.first[y])
      let bottom = source.row(ys.second[y])
      let ty = ys.fraction[y]
      let out = destination.row(y)
      xs.first.withUnsafeBufferPointer { i0 in
        xs.second.withUnsafeBufferPointer { i1 in
          xs.fraction.withUnsafeBufferPointer { tx in
            for x in 0..<width {
              let a = top[i0[x]]
              let b = bottom[i0[x]]
              let upper = a.addingProduct(top[i1[x]] - a, tx[x])
              let lower = b.addingProduct(bottom[i1[x]] - b, tx[x])
              out[x] = upper.addingProduct(lower - upper, ty) * factor
            }
          }
        }
      }
    }
  }

  /// The size OpenCV gives `cv::resize(src, dst, Size(), factor, factor)`: `round(side · factor)`,
  /// halves to even.
  static func scaledSide(_ side: Int, by factor: Double) -> Int {
    Int((Double(side) * factor).rounded(.toNearestOrEven))
  }
}
