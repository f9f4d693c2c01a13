/// Backward passes of the pools: each input position receives the gradient of the windows that
/// used it. Planes (`n · c`) run in parallel. Max pooling finds each window's first maximum in
/// separable passes (W, then H, then T), or, on many small planes, in every window of 16 planes
/// at once (`Pooling+LaneBackward.swift`); average pooling visits every window directly.
extension MaxPool {
  /// dL/dx of `callAsFunction(x)`: each window's output gradient goes to the first maximum of the
  /// window in T, H, W scan order (PyTorch's rule; padding never wins); needs the forward's input.
  public func backward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
    let geometry = PoolGeometry(
      inputShape: x.shape, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, mode: .max)
    precondition(
      dy.shape == geometry.outputShape,
      "MaxPool.backward: gradient \(dy.shape), output \(geometry.outputShape) expected")
    if Self.takesLaneRoute(geometry) {
      let dx = Tensor(uninitializedShape: x.shape)
      Self.laneParallelBackward(
        x: x.storage.base, dy: dy.storage.base, dx: dx.storage.base, geometry: geometry)
      withExtendedLifetime((x, dy)) {}
      return dx
    }
    let dx = Tensor(shape: x.shape)
    let (t, h, w) = (geometry.passes[0], geometry.passes[1], geometry.passes[2])
    let (inVolume, outVolume) = (geometry.inputVolume, geometry.outputVolume)
    let (ti, hi, wi) = (geometry.input[0], geometry.input[1], geometry.input[2])
    let (ho, wo) = (h.ranges.count, w.ranges.count)
    let box = UncheckedSendable((x.storage.base, dy.storage.base, dx.storage.base))
    let run = UniformRun(w.ranges, stride: stride.last!)
    let columnRun = UniformRun(h.ranges, stride: stride[stride.count - 2])
    // Rows of fewer than 8 uniform stride-1 windows (the head's 7×7 ROI maps): the stride-1 windows
    // of the whole plane in one pass, as if it were one long row; each row's run is read from it
    // (windows that cross a row's end are computed and never read).
    let lines = ti * hi
    let wholePlane = run.stride == 1 && run.count >= 2 && run.count < 8 && lines > 1
    let slide = wholePlane ? (lines - 1) * wi + run.count : wi
    // Separable argmax, innermost axis first: the first maximum along W of every input row, then
    // the first of those along H, then along T, is the first maximum of the window in T, H, W scan
    // order (ties resolve to the smallest t, then h, then w). 3 + 3 + 3 comparisons per output of a
    // 3×3×3 window instead of 27.
    Compute.parallelFor(geometry.planes) { plane in
      let (x0, dy0, dx0) = box.value
      let (src, grad, dst) = (x0 + plane * inVolume, dy0 + plane * outVolume, dx0 + plane * inVolume)
      // One value and one index buffer per plane, in four parts: pass W [ti, hi, wo] (flat input
      // indices), pass H [ti, ho, wo], pass T one output slice [ho, wo] at a time, and the stride-1
      // windows of strided W runs (one row) or of short rows (the whole plane).
      let (rowsW, rowsH, rowsT) = (ti * hi * wo, ti * ho * wo, ho * wo)
      let values = UnsafeMutablePointer<Float>.allocate(capacity: rowsW + rowsH + rowsT + slide)
      let indices = UnsafeMutablePointer<Int32>.allocate(capacity: rowsW + rowsH + rowsT + slide)
      defer {
        values.deallocate()
        indices.deallocate()
      }
      let (valueW, valueH, valueT) = (values, values + rowsW, values + rowsW + rowsH)
      let (indexW, indexH, indexT) = (indices, indices + rowsW, indices + rowsW + rowsH)
      let (slideValues, slideIndices) = (valueT + rowsT, indexT + rowsT)
      // Each comparison is written as a select (no data-dependent branch in the source: the winners
      // mispredict about every other time), along whole rows for H and T.
      if wholePlane {
        Self.slidingFirstMaxima(
          row: src, rowBase: 0, from: run.start + run.offset, taps: run.taps, count: slide,
          into: slideValues, slideIndices)
      }
      for line in 0..<lines {
        let row = src + line * wi
        let (rowValues, rowIndices) = (valueW + line * wo, indexW + line * wo)
        var ox = 0
        while ox < wo {
          if ox == run.start, run.count >= 2 {
            // Uniform windows: every stride-1 window from the run's first input, eight at a time
            // (one unaligned load per tap), then every `stride`-th of them.
            let from = run.stride * ox + run.offset
            if wholePlane {
              (rowValues + ox).update(from: slideValues + line * wi, count: run.count)
              (rowIndices + ox).update(from: slideIndices + line * wi, count: run.count)
            } else if run.stride == 1 {
              Self.slidingFirstMaxima(
                row: row, rowBase: line * wi, from: from, taps: run.taps, count: run.count,
                into: rowValues + ox, rowIndices + ox)
            } else {
              Self.slidingFirstMaxima(
                row: row, rowBase: line * wi, from: from, taps: run.taps,
                count: run.stride * (run.count - 1) + 1, into: slideValues, slideIndices)
              for r in 0..<run.count {
                rowValues[ox + r] = slideValues[r * run.stride]
                rowIndices[ox + r] = slideIndices[r * run.stride]
              }
            }
            ox += run.count
            continue
          }
          var best = -Float.infinity
          var arg = -1
          for ix in w.ranges[ox] {
            let v = row[ix]
            let wins = v > best
            best = wins ? v : best
            arg = wins ? ix : arg
          }
          rowValues[ox] = best
          rowIndices[ox] = arg < 0 ? -1 : Int32(truncatingIfNeeded: line * wi + arg)
          ox += 1
        }
      }
      for it in 0..<ti {
        let (planeValues, planeIndices) = (valueW + it * hi * wo, indexW + it * hi * wo)
        var oy = 0
        while oy < ho {
          let out = (it * ho + oy) * wo
          if oy == columnRun.start, columnRun.stride == 1, columnRun.count >= 2 {
            // Uniform stride-1 windows along H: output rows `oy + m` read the first window's rows
            // shifted by m, so the whole run is one element-wise pass over `count · wo` values.
            let first = oy + columnRun.offset
            Self.firstMaxima(
              rows: first..<(first + columnRun.taps), rowStride: wo, values: planeValues,
              indices: planeIndices,
              count: columnRun.count * wo, into: valueH + out, indexH + out)
            oy += columnRun.count
            continue
          }
          Self.firstMaxima(
            rows: h.ranges[oy], rowStride: wo, values: planeValues, indices: planeIndices, count: wo,
            into: valueH + out, indexH + out)
          oy += 1
        }
      }
      for (ot, rt) in t.ranges.enumerated() {
        Self.firstMaxima(
          rows: rt, rowStride: rowsT, values: valueH, indices: indexH, count: rowsT, into: valueT, indexT)
        let g = grad + ot * rowsT
        for j in 0..<rowsT where indexT[j] >= 0 { dst[Int(indexT[j])] += g[j] }
      }
    }
    withExtendedLifetime((x, dy)) {}
    return dx
  }

  /// Element-wise first maximum over rows: for each `j < count`, the largest of
  /// `values[r · rowStride + j]` over `r` in `rows` in order (the first on ties, as a strict `>`
  /// keeps it) and its index from `indices`; −∞ and −1 where no value beats −∞.
  private static func firstMaxima(
    rows: Range<Int>, rowStride: Int, values: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>,
    count: Int, into best: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>
  ) {
    best.update(repeating: -.infinity, count: count)
    arg.update(repeating: -1, count: count)
    for r in rows {
      let (v, i) = (values + r * rowStride, indices + r * rowStride)
      // Eight at a time; a tail of fewer than 8 redoes the last 8 (the same row twice changes nothing).
      var j = 0
      while j < count, count >= 8 {
        j = min(j, count - 8)
        let value = UnsafeRawPointer(v + j).loadUnaligned(as: SIMD8<Float>.self)
        var top = UnsafeRawPointer(best + j).loadUnaligned(as: SIMD8<Float>.self)
        var at = UnsafeRawPointer(arg + j).loadUnaligned(as: SIMD8<Int32>.self)
        let wins = value .> top
        top.replace(with: value, where: wins)
        at.replace(with: UnsafeRawPointer(i + j).loadUnaligned(as: SIMD8<Int32>.self), where: wins)
        UnsafeMutableRawPointer(best + j).storeBytes(of: top, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(arg + j).storeBytes(of: at, as: SIMD8<Int32>.self)
        j += 8
      }
      for j in j..<count {
        let wins = v[j] > best[j]
        best[j] = wins ? v[j] : best[j]
        arg[j] = wins ? i[j] : arg[j]
      }
    }
  }

  /// First maximum and its flat index (`rowBase` + position in the row) of each of `count`
  /// consecutive stride-1 windows of `taps` inputs, the first starting at `row[from]`: eight windows
  /// per step (fewer than 8 in all: one at a time). Reads only `row[from ..< from + count + taps − 1]`.
  private static func slidingFirstMaxima(
    row: UnsafeMutablePointer<Float>, rowBase: Int, from: Int, taps: Int, count: Int,
    into best: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>
  ) {
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    // A tail of fewer than 8 windows redoes the last 8 (the same windows, the same results).
    var j = 0
    while j < count, count >= 8 {
      j = min(j, count - 8)
      var top = SIMD8<Float>(repeating: -.infinity)
      var at = SIMD8<Int32>(repeating: -1)
      for k in 0..<taps {
        let p = from + j + k
        let value = UnsafeRawPointer(row + p).loadUnaligned(as: SIMD8<Float>.self)
        let wins = value .> top
        top.replace(with: value, where: wins)
        at.replace(
          with: SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: rowBase + p)) &+ lanes, where: wins)
      }
      UnsafeMutableRawPointer(best + j).storeBytes(of: top, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(arg + j).storeBytes(of: at, as: SIMD8<Int32>.self)
      j += 8
    }
    for j in j..<count {
      var top = -Float.infinity
      var at: Int32 = -1
      for k in 0..<taps {
        let p = from + j + k
        let wins = row[p] > top
        top = wins ? row[p] : top
        at = wins ? Int32(truncatingIfNeeded: rowBase + p) : at
      }
      best[j] = top
      arg[j] = at
    }
  }
}

/// The longest run of consecutive windows of one axis that are all `taps` wide and start
/// `stride · output + offset` (unclipped): outputs `start ..< start + count`.
struct UniformRun {
  /// First output of the run.
  var start = 0
  /// Outputs in the run (0: none).
  var count = 0
  /// The window stride.
  var stride = 1
  /// Input start minus `stride` times the output position.
  var offset = 0
  /// Window width.
  var taps = 0

  /// The longest run among `ranges` (each window's clipped input range) of windows `stride` apart.
  init(_ ranges: [Range<Int>], stride: Int) {
    self.stride = stride
    var i = 0
    while i < ranges.count {
      let (offset, taps) = (ranges[i].lowerBound - stride * i, ranges[i].count)
      var j = i + 1
      while j < ranges.count, ranges[j].lowerBound - stride * j == offset, ranges[j].count == taps { j += 1 }
      if j - i > count, taps > 0 { (start, count, self.offset, self.taps) = (i, j - i, offset, taps) }
      i = j
    }
  }
}

extension AvgPool {
  /// dL/dx of `callAsFunction(x)` for an input of shape `inputShape`: each window spreads its
  /// output gradient, divided by the forward's divisor (`countIncludePad`, `ceilMode` as the
  /// forward), over its valid input positions; needs only the input shape.
  public func backward(inputShape: [Int], outputGradient dy: Tensor) -> Tensor {
    let geometry = PoolGeometry(
      inputShape: inputShape, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode,
      mode: .average(countIncludePad: countIncludePad))
    precondition(
      dy.shape == geometry.outputShape,
      "AvgPool.backward: gradient \(dy.shape), output \(geometry.outputShape) expected")
    let dx = Tensor(shape: inputShape)
    let (t, h, w) = (geometry.passes[0], geometry.passes[1], geometry.passes[2])
    let (inVolume, outVolume) = (geometry.inputVolume, geometry.outputVolume)
    let (hw, width) = (geometry.input[1] * geometry.input[2], geometry.input[2])
    let box = UncheckedSendable((dy.storage.base, dx.storage.base))
    Compute.parallelFor(geometry.planes) { plane in
      let (dy0, dx0) = box.value
      let (grad, dst) = (dy0 + plane * outVolume, dx0 + plane * inVolume)
      var o = 0
      for (ot, rt) in t.ranges.enumerated() {
        for (oy, rh) in h.ranges.enumerated() {
          let outer = t.divisors[ot] * h.divisors[oy]
          for (ox, rw) in w.ranges.enumerated() {
            let g = grad[o] * outer * w.divisors[ox]
            o += 1
            for it in rt {
              for iy in rh {
                let row = dst + it * hw + iy * width
                for ix in rw { row[ix] += g }
              }
            }
          }
        }
      }
    }
    withExtendedLifetime(dy) {}
    return dx
  }
}

/// The windows of a 2-D or 3-D pool as three clipped axes (T, H, W; T of extent 1 for 2-D).
struct PoolGeometry {
  /// Per axis T, H, W: the clipped input range and the divisor of every output position.
  let passes: [SeparablePool.Pass]
  /// Input extents T, H, W.
  let input: [Int]
  /// Output shape in the forward's rank.
  let outputShape: [Int]
  /// `n · c`.
  let planes: Int
  /// Input elements per plane.
  let inputVolume: Int
  /// Output elements per plane.
  let outputVolume: Int

  init(
    inputShape: [Int], kernel: [Int], stride: [Int], padding: Padding, ceilMode: Bool,
    mode: SeparablePool.Mode
  ) {
    let spatial = kernel.count
    precondition(
      inputShape.count == spatial + 2, "pool backward: input \(inputShape) for a \(spatial)-D window")
    if case .explicit(let a) = padding {
      precondition(a.count == spatial, "pool backward: \(a.count) pads for \(spatial) spatial dims")
    }
    var axes = (0..<spatial).map {
      WindowAxis(
        input: inputShape[2 + $0], kernel: kernel[$0], stride: stride[$0], padding: padding, axis: $0,
        ceilMode: ceilMode)
    }
    if spatial == 2 {
      axes.insert(WindowAxis(input: 1, kernel: 1, stride: 1, padding: .valid, axis: 0), at: 0)
    }
    passes = axes.enumerated().map { SeparablePool.Pass(axis: $1, dimension: 2 + $0, mode: mode) }
    input = axes.map(\.input)
    outputShape = Array(inputShape[..<2]) + axes.suffix(spatial).map(\.output)
    planes = inputShape[0] * inputShape[1]
    inputVolume = input.reduce(1, *)
    outputVolume = axes.map(\.output).reduce(1, *)
  }
}
