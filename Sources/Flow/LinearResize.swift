/// Bilinear resizing of a plane as OpenCV's `cv::resize(..., INTER_LINEAR)` does it on floats.
///
/// Destination pixel `d` samples source coordinate `(d + 0.5) · scale − 0.5` (pixel centres
/// aligned), computed in single precision; `scale` is `1 / factor` when OpenCV is given a factor
/// (the pyramid) and `source / destination` when it is given a size (the flow's upsampling). At the
/// edges OpenCV repeats the border column (its weight set to 0) and clamps the two source rows.
/// No antialiasing: a 0.8× reduction reads only the two nearest rows and columns.
enum LinearResize {
  /// The two source indices and their weights for each destination index along one axis.
  struct Taps {
    var first: [Int]
    var second: [Int]
    var firstWeight: [Float]
    var secondWeight: [Float]

    /// Taps for `destination` samples from `source` ones; `zeroWeightAtEdges` is OpenCV's
    /// horizontal rule (beyond an edge the weight is 0), otherwise its vertical one (indices clamped).
    init(destination: Int, source: Int, scale: Double, zeroWeightAtEdges: Bool) {
      first = []
      second = []
      firstWeight = []
      secondWeight = []
      for d in 0..<destination {
        var f = Float((Double(d) + 0.5) * scale - 0.5)
        var s = Int(f.rounded(.down))
        f -= Float(s)
        if zeroWeightAtEdges {
          if s < 0 {
            s = 0
            f = 0
          }
          if s >= source - 1 {
            s = source - 1
            f = 0
          }
        }
        first.append(min(max(s, 0), source - 1))
        second.append(min(max(s + 1, 0), source - 1))
        firstWeight.append(1 - f)
        secondWeight.append(f)
      }
    }
  }

  /// Resizes `source` into `destination` (whose size is the target) and multiplies by `factor`;
  /// `scaleX`/`scaleY` are source pixels per destination pixel as OpenCV computes them.
  static func resize(
    _ source: Plane, into destination: Plane, scaleX: Double, scaleY: Double, multipliedBy factor: Float = 1
  ) {
    let xs = Taps(destination: destination.width, source: source.width, scale: scaleX, zeroWeightAtEdges: true)
    let ys = Taps(destination: destination.height, source: source.height, scale: scaleY, zeroWeightAtEdges: false)
    let width = destination.width
    FlowThreads.forEachRow(destination.height) { y in
      let top = source.row(ys.first[y])
      let bottom = source.row(ys.second[y])
      let b0 = ys.firstWeight[y]
      let b1 = ys.secondWeight[y]
      let out = destination.row(y)
      xs.first.withUnsafeBufferPointer { i0 in
        xs.second.withUnsafeBufferPointer { i1 in
          xs.firstWeight.withUnsafeBufferPointer { a0 in
            xs.secondWeight.withUnsafeBufferPointer { a1 in
              for x in 0..<width {
                let h0 = top[i0[x]] * a0[x] + top[i1[x]] * a1[x]
                let h1 = bottom[i0[x]] * a0[x] + bottom[i1[x]] * a1[x]
                let value = h0 * b0 + h1 * b1
                out[x] = value * factor
              }
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
