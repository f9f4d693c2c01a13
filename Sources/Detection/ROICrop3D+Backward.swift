import Primitives
import Tensor

/// Backward of the 3-D ROI crop with respect to the feature map (boxes are constants, as in Faster R-CNN).
extension ROICrop3D {
  /// dL/dfeatures `[1, C, T, H, W]` of `callAsFunction(features, boxes:)` given dL/doutput
  /// `dy` `[R, C, T or 1, s, s]`; needs the forward's features and boxes.
  ///
  /// Each output cell's gradient goes to the first maximum of its `poolSize × poolSize` bilinear
  /// samples (row-major scan, the forward's rule), then to that sample's four neighbours with its
  /// bilinear weights (points outside the map have weight 0). With ``TemporalMode/average`` the
  /// gradient of the T-averaged map is spread evenly (`1/T`) over the T slices. Channels are split
  /// between threads in blocks of 16, so overlapping ROIs never write the same element concurrently.
  public func backward(features: Tensor, boxes: [Box], outputGradient dy: Tensor) -> Tensor {
    precondition(
      features.rank == 5 && features.shape[0] == 1, "ROICrop3D.backward: features \(features.shape)")
    let (c, t, h, w) = (features.shape[1], features.shape[2], features.shape[3], features.shape[4])
    let slices = temporalMode == .keep ? t : 1
    let s = outputSize
    precondition(
      dy.shape == [boxes.count, c, slices, s, s],
      "ROICrop3D.backward: gradient \(dy.shape), [\(boxes.count), \(c), \(slices), \(s), \(s)] expected")
    let channelLast = Self.channelLast(features, average: temporalMode == .average)
    let scale = 1 / Float(stride)
    let xs = boxes.map { Self.samples($0.x1, $0.x2, scale: scale, count: cropSize, extent: w) }
    let ys = boxes.map { Self.samples($0.y1, $0.y2, scale: scale, count: cropSize, extent: h) }
    var gradient = Tensor(shape: [slices, h, w, c])
    let (pool, cells, planeSize) = (poolSize, s * s, h * w * c)
    gradient.withUnsafeMutableBufferPointer { g in
      let box = UncheckedBox((channelLast, dy, g.baseAddress!))
      let blocks = (c + 15) / 16
      Compute.parallelFor(blocks) { block in
        let (source, outputGradient, dst) = box.value
        let (k0, k1) = (block * 16, min(c, block * 16 + 16))
        source.withUnsafeBufferPointer { src in
          outputGradient.withUnsafeBufferPointer { gy in
            let best = UnsafeMutablePointer<Float>.allocate(capacity: 16)
            let arg = UnsafeMutablePointer<Int32>.allocate(capacity: 16)
            defer {
              best.deallocate()
              arg.deallocate()
            }
            let width = k1 - k0
            for r in boxes.indices {
              let (yr, xr) = (ys[r], xs[r])
              for slice in 0..<slices {
                let plane = src.baseAddress! + slice * planeSize + k0
                let gradPlane = dst + slice * planeSize
                for oy in 0..<s {
                  for ox in 0..<s {
                    if width == 16 {
                      Self.firstMaxima16(
                        plane: plane, rows: yr[(oy * pool)..<((oy + 1) * pool)],
                        columns: xr[(ox * pool)..<((ox + 1) * pool)], width: w, channels: c, into: arg)
                      // Gathered through memory: a lane-by-lane insert into a vector goes through the
                      // stack on every lane.
                      for k in 0..<16 {
                        best[k] = gy[((r * c + k0 + k) * slices + slice) * cells + oy * s + ox]
                      }
                      Self.spread16(
                        UnsafeRawPointer(best).loadUnaligned(as: SIMD16<Float>.self),
                        winners: UnsafeRawPointer(arg).loadUnaligned(as: SIMD16<Int32>.self),
                        rows: yr[(oy * pool)..<((oy + 1) * pool)],
                        columns: xr[(ox * pool)..<((ox + 1) * pool)],
                        width: w, channels: c, into: gradPlane + k0)
                      continue
                    } else {
                      best.update(repeating: -.infinity, count: width)
                      arg.update(repeating: 0, count: width)
                      var n: Int32 = 0
                      for py in (oy * pool)..<((oy + 1) * pool) {
                        for px in (ox * pool)..<((ox + 1) * pool) {
                          let (y, x) = (yr[py], xr[px])
                          let p00 = plane + (y.low * w + x.low) * c
                          let p01 = plane + (y.low * w + x.high) * c
                          let p10 = plane + (y.high * w + x.low) * c
                          let p11 = plane + (y.high * w + x.high) * c
                          let (w00, w01) = (y.lowWeight * x.lowWeight, y.lowWeight * x.highWeight)
                          let (w10, w11) = (y.highWeight * x.lowWeight, y.highWeight * x.highWeight)
                          // Written as a select, not a branch: the winning sample is data-dependent.
                          for k in 0..<width {
                            // The forward's expression, so the same sample wins.
                            let v = w00 * p00[k] + w01 * p01[k] + w10 * p10[k] + w11 * p11[k]
                            let wins = v > best[k]
                            best[k] = wins ? v : best[k]
                            arg[k] = wins ? n : arg[k]
                          }
                          n += 1
                        }
                      }
                    }
                    for k in k0..<k1 {
                      let d = gy[((r * c + k) * slices + slice) * cells + oy * s + ox]
                      let a = Int(arg[k - k0])
                      let (y, x) = (yr[oy * pool + a / pool], xr[ox * pool + a % pool])
                      gradPlane[(y.low * w + x.low) * c + k] += d * y.lowWeight * x.lowWeight
                      gradPlane[(y.low * w + x.high) * c + k] += d * y.lowWeight * x.highWeight
                      gradPlane[(y.high * w + x.low) * c + k] += d * y.highWeight * x.lowWeight
                      gradPlane[(y.high * w + x.high) * c + k] += d * y.highWeight * x.highWeight
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    // [T', H, W, C] → [1, C, T, H, W]; the averaged map's gradient goes to every slice / T.
    var result = Tensor(uninitializedShape: features.shape)
    let factor: Float = temporalMode == .average ? 1 / Float(t) : 1
    let spatial = h * w
    result.withUnsafeMutableBufferPointer { out in
      gradient.withUnsafeBufferPointer { g in
        let box = UncheckedBox((out.baseAddress!, g.baseAddress!))
        Compute.parallelFor(c) { ch in
          let (out, g) = box.value
          for slice in 0..<t {
            let from = g + (temporalMode == .average ? 0 : slice * spatial * c) + ch
            let to = out + (ch * t + slice) * spatial
            for p in 0..<spatial { to[p] = factor * from[p * c] }
          }
        }
      }
    }
    return result
  }

  /// Adds 16 channels' gradients `d` of one output cell to the four neighbours of each channel's
  /// winning sample (`winners`, numbered as ``firstMaxima16(plane:rows:columns:width:channels:into:)``
  /// numbers them), with its bilinear weights: the scalar loop's additions in its order, as four
  /// masked vector updates per sample.
  static func spread16(
    _ d: SIMD16<Float>, winners: SIMD16<Int32>, rows: ArraySlice<Sample>, columns: ArraySlice<Sample>,
    width w: Int, channels c: Int, into gradient: UnsafeMutablePointer<Float>
  ) {
    func add(
      _ y: Int, _ x: Int, _ weightY: Float, _ weightX: Float,
      where mask: SIMDMask<SIMD16<Float.SIMDMaskScalar>>
    ) {
      let p = UnsafeMutableRawPointer(gradient + (y * w + x) * c)
      var v = p.loadUnaligned(as: SIMD16<Float>.self)
      v.replace(with: v + d * weightY * weightX, where: mask)
      p.storeBytes(of: v, as: SIMD16<Float>.self)
    }
    let numbers = SIMD16<Float>(winners)
    var n: Int32 = 0
    for y in rows {
      for x in columns {
        // No test for an empty mask: `any` on a 16-lane mask is a lane-by-lane loop, dearer than
        // the four masked updates it would skip.
        // Compared as floats (exact for these small numbers): Float lanes compile to vector code.
        let mask = numbers .== Float(n)
        n += 1
        add(y.low, x.low, y.lowWeight, x.lowWeight, where: mask)
        add(y.low, x.high, y.lowWeight, x.highWeight, where: mask)
        add(y.high, x.low, y.highWeight, x.lowWeight, where: mask)
        add(y.high, x.high, y.highWeight, x.highWeight, where: mask)
      }
    }
  }

  /// The winning sample of one output cell for 16 channels at once, as the scalar loop picks it:
  /// samples numbered row-major over `rows` × `columns`, each the forward's bilinear expression
  /// (same operations in the same order, so the same sample wins), the first maximum on ties.
  static func firstMaxima16(
    plane: UnsafePointer<Float>, rows: ArraySlice<Sample>, columns: ArraySlice<Sample>, width w: Int,
    channels c: Int, into arg: UnsafeMutablePointer<Int32>
  ) {
    func load(_ y: Int, _ x: Int) -> SIMD16<Float> {
      UnsafeRawPointer(plane + (y * w + x) * c).loadUnaligned(as: SIMD16<Float>.self)
    }
    var top = SIMD16<Float>(repeating: -.infinity)
    var at = SIMD16<Int32>(repeating: 0)
    var n: Int32 = 0
    for y in rows {
      for x in columns {
        let (w00, w01) = (y.lowWeight * x.lowWeight, y.lowWeight * x.highWeight)
        let (w10, w11) = (y.highWeight * x.lowWeight, y.highWeight * x.highWeight)
        let v =
          w00 * load(y.low, x.low) + w01 * load(y.low, x.high) + w10 * load(y.high, x.low)
          + w11 * load(y.high, x.high)
        let wins = v .> top
        top.replace(with: v, where: wins)
        at.replace(with: SIMD16(repeating: n), where: wins)
        n += 1
      }
    }
    UnsafeMutableRawPointer(arg).storeBytes(of: at, as: SIMD16<Int32>.self)
  }
}
