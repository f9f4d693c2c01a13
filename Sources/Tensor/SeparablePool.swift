/// Box pooling as one 1-D pass per spatial axis (max and box sums are separable).
enum SeparablePool {
  /// What a window computes.
  enum Mode {
    /// Maximum of the valid positions.
    case max
    /// Mean; the divisor is the window clipped to input + padding, or to the input only.
    case average(countIncludePad: Bool)
  }

  /// Pools NCHW or NCTHW `x` with windows of `kernel`/`stride`/`padding` on the spatial axes.
  static func run(
    _ x: Tensor, kernel: [Int], stride: [Int], padding: Padding, ceilMode: Bool, mode: Mode
  ) -> Tensor {
    let spatial = kernel.count
    precondition(x.rank == spatial + 2, "pool: input \(x.shape) for a \(spatial)-D window")
    if case .explicit(let a) = padding {
      precondition(a.count == spatial, "pool: \(a.count) pads for \(spatial) spatial dims")
    }
    let axes = (0..<spatial).map {
      WindowAxis(
        input: x.shape[2 + $0], kernel: kernel[$0], stride: stride[$0], padding: padding, axis: $0,
        ceilMode: ceilMode)
    }
    var current = x
    // Outer axes first (their passes are vectorised over whole rows); W, the gather pass, runs last
    // on data the strided outer passes have already shrunk.
    for a in 0..<spatial {
      let axis = axes[a]
      if axis.kernel == 1 && axis.stride == 1 && axis.padBefore == 0 && axis.output == axis.input { continue }
      current = pass(current, dimension: 2 + a, axis: axis, mode: mode)
    }
    return current
  }

  /// One 1-D pooling pass along `dimension`.
  private static func pass(_ x: Tensor, dimension: Int, axis: WindowAxis, mode: Mode) -> Tensor {
    let outer = x.shape[..<dimension].reduce(1, *)
    let inner = x.shape[(dimension + 1)...].reduce(1, *)
    var shape = x.shape
    shape[dimension] = axis.output
    let y = Tensor(uninitializedShape: shape)
    let (lin, lout) = (axis.input, axis.output)
    var divisors = [Float](repeating: 1, count: lout)
    if case .average(let includePad) = mode {
      for o in 0..<lout {
        let s = axis.start(o)
        let count = includePad ? min(s + axis.kernel, lin + axis.padAfter) - s : axis.clippedRange(o).count
        divisors[o] = 1 / Float(max(count, 1))
      }
    }
    let isMax: Bool
    if case .max = mode { isMax = true } else { isMax = false }
    let box = UncheckedSendable((x.storage.base, y.storage.base))
    // Every row has the same windows: clip them once (short rows, e.g. 7-wide ROI maps, are
    // otherwise dominated by clipping the edge windows again for each row).
    let ranges = (0..<lout).map { axis.clippedRange($0) }
    if inner == 1 {
      // Rows in blocks, so that a short row does not cost a call of its own.
      let rowsPerBlock = max(1, 4096 / max(lin, 1))
      Compute.parallelFor((outer + rowsPerBlock - 1) / rowsPerBlock) { block in
        let (src0, dst0) = box.value
        for r in (block * rowsPerBlock)..<min(outer, (block + 1) * rowsPerBlock) {
          rowPass(src0 + r * lin, dst0 + r * lout, axis: axis, ranges: ranges, isMax: isMax, divisors: divisors)
        }
      }
      withExtendedLifetime(x) {}
      return y
    }
    Compute.parallelFor(outer) { r in
      let (src0, dst0) = box.value
      let src = src0 + r * lin * inner
      let dst = dst0 + r * lout * inner
      for o in 0..<lout {
        let range = ranges[o]
        let out = dst + o * inner
        if range.isEmpty {
          out.update(repeating: isMax ? -.infinity : 0, count: inner)
          continue
        }
        out.update(from: src + range.lowerBound * inner, count: inner)
        if isMax {
          for l in range.dropFirst() {
            let s = src + l * inner
            for i in 0..<inner { out[i] = Swift.max(out[i], s[i]) }
          }
        } else {
          for l in range.dropFirst() {
            let s = src + l * inner
            for i in 0..<inner { out[i] += s[i] }
          }
          let d = divisors[o]
          for i in 0..<inner { out[i] *= d }
        }
      }
    }
    withExtendedLifetime(x) {}
    return y
  }

  /// A pass along the innermost (contiguous) axis of one row.
  @inline(__always)
  private static func rowPass(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, axis: WindowAxis, ranges: [Range<Int>],
    isMax: Bool, divisors: [Float]
  ) {
    let (k, s) = (axis.kernel, axis.stride)
    // Outputs whose window lies fully inside the row.
    let first = min((axis.padBefore + s - 1) / s, axis.output)
    let last = max(first, min(axis.output, (axis.input - k + axis.padBefore) / s + 1))
    for o in 0..<first { dst[o] = edge(src, range: ranges[o], isMax: isMax) * divisors[o] }
    for o in last..<axis.output { dst[o] = edge(src, range: ranges[o], isMax: isMax) * divisors[o] }
    if isMax {
      if k == 3 {
        for o in first..<last {
          let p = src + (o * s - axis.padBefore)
          dst[o] = Swift.max(Swift.max(p[0], p[1]), p[2])
        }
      } else {
        for o in first..<last {
          let p = src + (o * s - axis.padBefore)
          var m = p[0]
          for j in 1..<k { m = Swift.max(m, p[j]) }
          dst[o] = m
        }
      }
    } else {
      for o in first..<last {
        let p = src + (o * s - axis.padBefore)
        var m: Float = 0
        for j in 0..<k { m += p[j] }
        dst[o] = m * divisors[o]
      }
    }
  }

  /// Max or sum of a clipped window `range` (for windows touching the padding).
  @inline(__always)
  private static func edge(_ src: UnsafePointer<Float>, range: Range<Int>, isMax: Bool) -> Float {
    if range.isEmpty { return isMax ? -.infinity : 0 }
    var m = isMax ? -Float.infinity : 0
    for j in range { m = isMax ? Swift.max(m, src[j]) : m + src[j] }
    return m
  }
}
