/// A strided 2-D convolution's input split into phase planes, so that its GEMM reads every
/// (channel, tap) row of B in place instead of from an im2col copy nine (or 49) times the output.
///
/// Along an axis with stride `s`, padding `p` and kernel `k`, tap `d` reads input `s·o + d − p`
/// for output `o`; writing `d − p = s·q(d) + r(d)` with `0 ≤ r < s`, that is element `o + q(d)` of
/// phase `r(d)` (the inputs `s·a + r`). Each phase plane stores, for one channel and one pair of
/// phases, the elements `a = qMin … o_max + qMax` with zeros where the input ends, `width` to a row.
/// Then, on a grid of `rows × width` GEMM columns (output row `o_y`, column `o_x`; the columns
/// past the output width are computed and dropped), tap (d_y, d_x) of channel c is the plane of
/// (c, r(d_y), r(d_x)) read from offset `(q(d_y) − qMin_y)·width + q(d_x) − qMin_x`: a pointer.
/// Only the phases some tap reads are stored (one of two along an axis of stride 2 whose window is
/// one tap wide).
struct PhasePlanes {
  /// One axis: where each tap reads (its phase, and its offset in plane elements of that axis).
  struct Axis {
    /// Per tap: the index of its phase in `phases`.
    let phaseIndex: [Int]
    /// Per tap: `q(d) − qMin`.
    let offset: [Int]
    /// The phases read, ascending.
    let phases: [Int]
    /// `qMin`: the first phase element a plane stores.
    let first: Int
    /// Elements of a plane along this axis: output extent plus the taps' spread.
    let extent: Int

    init(_ w: WindowAxis) {
      let e = (0..<w.kernel).map { $0 - w.padBefore }
      // Floor division (taps before the padding give negative e).
      let q = e.map { $0 >= 0 ? $0 / w.stride : -((-$0 + w.stride - 1) / w.stride) }
      let r = zip(e, q).map { $0 - w.stride * $1 }
      let phases = Array(Set(r)).sorted()
      self.phases = phases
      phaseIndex = r.map { phases.firstIndex(of: $0)! }
      first = q.min()!
      offset = q.map { $0 - q.min()! }
      extent = w.output + q.max()! - q.min()!
    }
  }

  let y: Axis
  let x: Axis
  /// Input channels and frames.
  let channels: Int
  let frames: Int
  /// Floats between the starts of two planes.
  let planeFloats: Int
  /// The planes: `[channel][frame][phase y][phase x][extent y][extent x]`, then one plane of zeros
  /// (for taps on frames outside the input) and a tail the dropped grid columns may read.
  let storage: TensorStorage

  /// The planes of one sample's input `src` (`g.c` channels of `g.t.input` frames).
  init(_ src: UnsafePointer<Float>, _ g: ConvGeometry) {
    y = Axis(g.h)
    x = Axis(g.w)
    channels = g.c
    frames = g.t.input
    planeFloats = y.extent * x.extent
    let planes = g.c * g.t.input * y.phases.count * x.phases.count
    storage = TensorStorage(count: (planes + 1) * planeFloats + x.extent + 64)
    let (y, x, planeFloats) = (y, x, planeFloats)
    let (sy, sx) = (g.h.stride, g.w.stride)
    let (hi, wi) = (g.h.input, g.w.input)
    let box = UncheckedSendable((src, storage.base))
    (storage.base + planes * planeFloats).update(repeating: 0, count: planeFloats + x.extent + 64)
    Compute.parallelFor(planes) { plane in
      let (src, base) = box.value
      let px = plane % x.phases.count
      let py = (plane / x.phases.count) % y.phases.count
      let frame = plane / (x.phases.count * y.phases.count)  // channel · frames + frame
      let channel = src + frame * hi * wi
      let out = base + plane * planeFloats
      // Plane columns b whose input column sx·(b + first) + phase lies inside the row.
      let x0 = sx * x.first + x.phases[px]
      let lo = min(x.extent, max(0, (-x0 + sx - 1) / sx))
      let hiColumn = wi - 1 - x0 < 0 ? lo : min(x.extent, max(lo, (wi - 1 - x0) / sx + 1))
      for a in 0..<y.extent {
        let row = out + a * x.extent
        let iy = sy * (a + y.first) + y.phases[py]
        guard iy >= 0 && iy < hi else {
          row.update(repeating: 0, count: x.extent)
          continue
        }
        let line = channel + iy * wi + x0
        if lo > 0 { row.update(repeating: 0, count: lo) }
        if sx == 1 {
          (row + lo).update(from: line + lo, count: hiColumn - lo)
        } else {
          var b = lo
          if sx == 2 {
            // 16 at a time: the even lanes of 32 consecutive inputs, while all 32 are in the row.
            while b + 16 <= hiColumn && x0 + 2 * b + 32 <= wi {
              let pair = UnsafeRawPointer(line + 2 * b).loadUnaligned(as: SIMD32<Float>.self)
              UnsafeMutableRawPointer(row + b).storeBytes(of: pair.evenHalf, as: SIMD16<Float>.self)
              b += 16
            }
          }
          while b < hiColumn {
            row[b] = line[sx * b]
            b += 1
          }
        }
        if hiColumn < x.extent { (row + hiColumn).update(repeating: 0, count: x.extent - hiColumn) }
      }
    }
  }

  /// B's row pointers for output frame `frame` of window `t`, in the weight matrix's k order
  /// (channel, tap t, tap y, tap x), each moved `column` grid columns on; taps on frames outside
  /// the input read the zero plane.
  func rowPointers(frame: Int, of t: WindowAxis, column: Int) -> [UnsafePointer<Float>?] {
    let base = UnsafePointer(storage.base)
    let zero = base + channels * frames * y.phases.count * x.phases.count * planeFloats
    var rows: [UnsafePointer<Float>?] = []
    rows.reserveCapacity(channels * t.kernel * y.offset.count * x.offset.count)
    for c in 0..<channels {
      for dt in 0..<t.kernel {
        let ti = t.start(frame) + dt
        for dy in y.offset.indices {
          for dx in x.offset.indices {
            let shift = y.offset[dy] * x.extent + x.offset[dx] + column
            guard ti >= 0 && ti < frames else {
              // The zero plane (and its tail) holds more than a grid's worth of zeros.
              rows.append(zero + x.offset[dx])
              continue
            }
            let plane =
              ((c * frames + ti) * y.phases.count + y.phaseIndex[dy]) * x.phases.count + x.phaseIndex[dx]
            rows.append(base + plane * planeFloats + shift)
          }
        }
      }
    }
    return rows
  }
}

extension ConvStep {
  /// Whether a strided convolution with a spatial kernel takes the phase-plane route: fp32 on the
  /// package's own kernel, with the layer's packed weights, and a window wider than one tap. A
  /// 1×1 stride-2 convolution reads a quarter of its input once: im2col, whose workers each copy
  /// the columns they multiply, ran ResNet's layer-2 one 2.21 → 2.02 ms (the planes are filled by
  /// channels, so each worker's GEMM read half its rows from the other's cache).
  func phasedRouteApplies() -> Bool {
    (g.h.stride > 1 || g.w.stride > 1) && (g.h.kernel > 1 || g.w.kernel > 1) && packedWeights != nil
      && Compute.precision == .fp32 && Compute.ownF32Kernel
  }

  /// Output rows whose grid columns make one GEMM (its output, all channels, about 1 MB).
  private func rowsPerChunk(width: Int) -> Int { max(1, (1 << 20) / max(1, outputChannels * width * 4)) }

  /// The convolution as implicit GEMMs over ``PhasePlanes`` (no im2col copy), one output frame
  /// at a time: each worker takes output rows (or, on small maps, output channels) and multiplies a
  /// chunk of them at a time, storing the output columns of the planes' grid straight into the
  /// output rows (the grid columns past the output width are dropped), the epilogue fused.
  func phased() {
    let (ho, wo) = (g.h.output, g.w.output)
    let k = g.c * g.t.kernel * g.h.kernel * g.w.kernel
    guard let operand = packed(PackedIndex.weight, source: weight, rows: 0..<outputChannels) else { return }
    let planes = PhasePlanes(src, g)
    let width = planes.x.extent
    let gridColumns = ho * width
    let out = dst
    for frame in 0..<g.t.output {
      let frameStart = frame * ho * wo
      /// Output rows `rows`, channels `channels`: one GEMM over their grid columns, storing the
      /// output columns straight into the output (the columns past the output width dropped), the
      /// epilogue fused.
      let run = { (rows: Range<Int>, channels: Range<Int>) in
        let n = rows.count * width
        let part = PackedOperand(
          weights: operand.weights, index: operand.index, source: operand.source, rows: operand.rows,
          rowOffset: channels.lowerBound)
        let first = frameStart + rows.lowerBound * wo
        let bRows = planes.rowPointers(frame: frame, of: g.t, column: rows.lowerBound * width)
        let finish = EpilogueRegion(
          epilogue: epilogue, rows: channels, columns: first..<(first + rows.count * wo))
        Compute.f32Gemm(
          m: channels.count, n: n, k: k, operand: part, bRows: bRows,
          c: out + channels.lowerBound * g.outputPlane + first, ldc: g.outputPlane, grid: (width, wo),
          finish: finish)
      }
      if splitsChannels(columns: gridColumns) {
        Compute.splitRange(
          outputChannels, align: 8, minimum: Convolution.minimumChannels, partsPerThread: 1,
          balanced: balancedSplits
        ) {
          run(0..<ho, $0)
        }
      } else {
        let chunk = rowsPerChunk(width: width)
        let minimumRows = max(1, Convolution.minimumPartColumns / width)
        Compute.splitRange(ho, align: 1, minimum: minimumRows, balanced: balancedSplits) { rows in
          var r = rows.lowerBound
          while r < rows.upperBound {
            let next = min(rows.upperBound, r + chunk)
            run(r..<next, 0..<outputChannels)
            r = next
          }
        }
      }
    }
    withExtendedLifetime(planes) {}
  }
}
