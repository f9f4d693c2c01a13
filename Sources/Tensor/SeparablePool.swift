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
    let passes = (0..<spatial).filter { a in
      let axis = axes[a]
      return !(axis.kernel == 1 && axis.stride == 1 && axis.padBefore == 0 && axis.output == axis.input)
    }.map { a in Pass(axis: axes[a], dimension: 2 + a, mode: mode) }
    let volume = x.shape.dropFirst(2).reduce(1, *)
    if passes.count > 1 && volume <= Self.fusedVolume {
      return fused(x, passes: passes)
    }
    var current = x
    // Outer axes first (their passes are vectorised over whole rows); W, the gather pass, runs last
    // on data the strided outer passes have already shrunk.
    for p in passes { current = p(current) }
    return current
  }

  /// Largest per-channel volume (elements) pooled by ``fused(_:passes:)``: it and its intermediate
  /// results stay in the L2 cache.
  static let fusedVolume = 1 << 16

  /// All passes on a block of channel volumes after the other, in two scratch blocks, so the
  /// intermediate tensors never leave the cache (small maps such as ROI tubes or S3D-G's `Mixed_4`
  /// blocks). A pass runs on a whole block at once: the block's volumes are consecutive, so they are
  /// simply more rows of the pass.
  private static func fused(_ x: Tensor, passes: [Pass]) -> Tensor {
    var shape = x.shape
    for p in passes { shape[p.dimension] = p.axis.output }
    let y = Tensor(uninitializedShape: shape)
    let volumes = x.shape[0] * x.shape[1]
    let (inVolume, outVolume) = (x.shape.dropFirst(2).reduce(1, *), shape.dropFirst(2).reduce(1, *))
    let box = UncheckedSendable((x.storage.base, y.storage.base))
    // Rows of each pass within a volume, and the largest intermediate volume (padding can make a
    // pass's output longer than its input).
    var dims = Array(x.shape.dropFirst(2))
    var largest = inVolume
    var layout: [(outer: Int, inner: Int)] = []
    for p in passes {
      let d = p.dimension - 2
      layout.append((dims[..<d].reduce(1, *), dims[(d + 1)...].reduce(1, *)))
      dims[d] = p.axis.output
      largest = max(largest, dims.reduce(1, *))
    }
    let perBlock = max(1, (1 << 15) / inVolume)
    Compute.parallelFor((volumes + perBlock - 1) / perBlock) { block in
      let (src0, dst0) = box.value
      let first = block * perBlock
      let count = min(volumes, first + perBlock) - first
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * count * largest)
      defer { scratch.deallocate() }
      var from = UnsafePointer(src0 + first * inVolume)
      for (i, p) in passes.enumerated() {
        let to = i == passes.count - 1 ? dst0 + first * outVolume : scratch + (i % 2) * count * largest
        p.rows(from, to, outer: count * layout[i].outer, inner: layout[i].inner)
        from = UnsafePointer(to)
      }
    }
    withExtendedLifetime(x) {}
    return y
  }

  /// One 1-D pooling pass along one dimension, its windows clipped once.
  struct Pass {
    /// The window along the dimension.
    let axis: WindowAxis
    /// The tensor dimension pooled.
    let dimension: Int
    /// Whether windows take the maximum (else the mean).
    let isMax: Bool
    /// Clipped window of every output (the same for every row).
    let ranges: [Range<Int>]
    /// 1 / window size per output (mean), or 1.
    let divisors: [Float]

    init(axis: WindowAxis, dimension: Int, mode: Mode) {
      self.axis = axis
      self.dimension = dimension
      ranges = (0..<axis.output).map { axis.clippedRange($0) }
      var divisors = [Float](repeating: 1, count: axis.output)
      if case .average(let includePad) = mode {
        for o in 0..<axis.output {
          let s = axis.start(o)
          let count =
            includePad ? min(s + axis.kernel, axis.input + axis.padAfter) - s : ranges[o].count
          divisors[o] = 1 / Float(max(count, 1))
        }
        isMax = false
      } else {
        isMax = true
      }
      self.divisors = divisors
    }

    /// The pass on a whole tensor, rows spread over threads.
    func callAsFunction(_ x: Tensor) -> Tensor {
      let outer = x.shape[..<dimension].reduce(1, *)
      let inner = x.shape[(dimension + 1)...].reduce(1, *)
      var shape = x.shape
      shape[dimension] = axis.output
      let y = Tensor(uninitializedShape: shape)
      let box = UncheckedSendable((x.storage.base, y.storage.base))
      // Rows in blocks of about 4096 input elements, so that short rows do not cost a call each.
      let perBlock = max(1, 4096 / max(axis.input * inner, 1))
      Compute.parallelFor((outer + perBlock - 1) / perBlock) { block in
        let (src0, dst0) = box.value
        let first = block * perBlock
        let count = min(outer, first + perBlock) - first
        rows(
          src0 + first * axis.input * inner, dst0 + first * axis.output * inner, outer: count, inner: inner)
      }
      withExtendedLifetime(x) {}
      return y
    }

    /// Whether this is a 3-wide, stride-1 max window padded by one on each side (S3D-G's 3×3×3
    /// branch pools): output `l` is the max of inputs `l − 1 … l + 1` that exist.
    var isCentredMax3: Bool {
      isMax && axis.kernel == 3 && axis.stride == 1 && axis.padBefore == 1 && axis.output == axis.input
    }

    /// The pass on `outer` contiguous rows of `axis.input × inner` elements.
    func rows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, outer: Int, inner: Int) {
      let (lin, lout) = (axis.input, axis.output)
      if isCentredMax3 && lin > 1 {
        SeparablePool.centredMax3(src, dst, outer: outer, length: lin, inner: inner)
        return
      }
      for r in 0..<outer {
        if inner == 1 {
          SeparablePool.rowPass(
            src + r * lin, dst + r * lout, axis: axis, ranges: ranges, isMax: isMax, divisors: divisors)
          continue
        }
        let (from, to) = (src + r * lin * inner, dst + r * lout * inner)
        for o in 0..<lout {
          let range = ranges[o]
          let out = to + o * inner
          if range.isEmpty {
            out.update(repeating: isMax ? -.infinity : 0, count: inner)
            continue
          }
          out.update(from: from + range.lowerBound * inner, count: inner)
          if isMax {
            for l in range.dropFirst() {
              let s = from + l * inner
              for i in 0..<inner { out[i] = Swift.max(out[i], s[i]) }
            }
          } else {
            for l in range.dropFirst() {
              let s = from + l * inner
              for i in 0..<inner { out[i] += s[i] }
            }
            let d = divisors[o]
            for i in 0..<inner { out[i] *= d }
          }
        }
      }
    }
  }

  /// ``Pass/isCentredMax3`` as one flat loop over all rows (short rows vectorise too), then the first
  /// and last position of each row, which the flat loop computed across row boundaries, redone.
  fileprivate static func centredMax3(
    _ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, outer: Int, length: Int, inner: Int
  ) {
    let total = outer * length * inner
    for j in inner..<(total - inner) {
      to[j] = Swift.max(Swift.max(from[j - inner], from[j]), from[j + inner])
    }
    for r in 0..<outer {
      let first = r * length * inner
      let last = first + (length - 1) * inner
      for i in 0..<inner {
        to[first + i] = Swift.max(from[first + i], from[first + inner + i])
        to[last + i] = Swift.max(from[last - inner + i], from[last + i])
      }
    }
  }

  /// A pass along the innermost (contiguous) axis of one row.
  @inline(__always)
  fileprivate static func rowPass(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, axis: WindowAxis, ranges: [Range<Int>],
    isMax: Bool, divisors: [Float]
  ) {
    let (k, s) = (axis.kernel, axis.stride)
    // Outputs whose window lies fully inside the row.
    let first = min((axis.padBefore + s - 1) / s, axis.output)
    let last = max(first, min(axis.output, (axis.input - k + axis.padBefore) / s + 1))
    for o in 0..<first { dst[o] = edge(src, range: ranges[o], isMax: isMax) * (isMax ? 1 : divisors[o]) }
    for o in last..<axis.output {
      dst[o] = edge(src, range: ranges[o], isMax: isMax) * (isMax ? 1 : divisors[o])
    }
    if isMax {
      if k == 3 {
        var start = first
        if s == 2 {
          // Sixteen outputs at a time: windows (2o − p) … (2o − p + 2) are the even and odd lanes of
          // 32 inputs and the even lanes of the 32 after the next two (while all 34 lie in the row).
          while start + 17 <= last {
            let p = UnsafeRawPointer(src + (start * 2 - axis.padBefore))
            let a = p.loadUnaligned(as: SIMD32<Float>.self)
            let b = p.loadUnaligned(fromByteOffset: 8, as: SIMD32<Float>.self)
            // Swift.max(u, v) lane by lane (v where v ≥ u; pointwiseMax does not vectorise here).
            let (x, y, z) = (a.evenHalf, a.oddHalf, b.evenHalf)
            let xy = x.replacing(with: y, where: y .>= x)
            let m = xy.replacing(with: z, where: z .>= xy)
            UnsafeMutableRawPointer(dst + start).storeBytes(of: m, as: SIMD16<Float>.self)
            start += 16
          }
        }
        for o in start..<last {
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
