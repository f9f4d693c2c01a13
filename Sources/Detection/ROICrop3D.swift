import Primitives
import Tensor

/// 3-D ROI pooling: every box is cropped from each time slice of a `[1, C, T, H, W]` feature map
/// with the same spatial box, bilinearly resampled to `cropSize × cropSize`, then max-pooled
/// `poolSize × poolSize` (stride `poolSize`) → `[R, C, T, cropSize/poolSize, cropSize/poolSize]`.
///
/// The crop samples one bilinear point at each bin centre (`y = y1' + (k + 0.5)·h'/cropSize` with
/// `y1' = y1/stride − 0.5`, see ``Geometry``), which is exactly torchvision
/// `roi_align(output_size=cropSize, spatial_scale=1/stride, sampling_ratio=1, aligned=True)`,
/// including its edge rule (points beyond one cell outside the map read 0, others are clamped).
/// With ``TemporalMode/average`` the map is averaged over T first (PySlowFast / MMAction2 style):
/// because the crop is linear, that equals averaging the crops; the max pool then acts on the mean.
public struct ROICrop3D: Sendable, Equatable, Codable {
  /// What happens to the time axis.
  public enum TemporalMode: String, Sendable, Equatable, CaseIterable, Codable {
    /// Keep all T slices (the paper's 3-D ROI pooling).
    case keep
    /// Average the T slices before cropping (output T = 1).
    case average
  }

  /// Side of the bilinear crop (14 in the paper).
  public var cropSize: Int
  /// Side and stride of the max pool after the crop (2 in the paper; 1 disables it).
  public var poolSize: Int
  /// Stride of the feature map in input pixels.
  public var stride: Int
  /// Time-axis handling.
  public var temporalMode: TemporalMode

  /// A crop with the paper's defaults: 14×14, max pool 2, stride 16, time kept.
  public init(cropSize: Int = 14, poolSize: Int = 2, stride: Int = 16, temporalMode: TemporalMode = .keep) {
    precondition(cropSize > 0 && poolSize > 0 && cropSize % poolSize == 0, "ROICrop3D: bad sizes")
    self.cropSize = cropSize
    self.poolSize = poolSize
    self.stride = stride
    self.temporalMode = temporalMode
  }

  /// Output side (`cropSize / poolSize`).
  public var outputSize: Int { cropSize / poolSize }

  /// Pools `boxes` (input pixels) from `features` `[1, C, T, H, W]` → `[R, C, T or 1, s, s]`.
  public func callAsFunction(_ features: Tensor, boxes: [Box]) -> Tensor {
    precondition(features.rank == 5 && features.shape[0] == 1, "ROICrop3D: features \(features.shape)")
    let c = features.shape[1]
    let slices = temporalMode == .keep ? features.shape[2] : 1
    let cells = outputSize * outputSize
    var output = Tensor(shape: [boxes.count, c, slices, outputSize, outputSize])
    output.withUnsafeMutableBufferPointer { out in
      let dst = UncheckedBox(out.baseAddress!)
      pool(features, boxes: boxes) { r, slice, cell, best in
        let base = dst.value + (r * c * slices + slice) * cells + cell
        for k in 0..<c { base[k * slices * cells] = best[k] }
      }
    }
    return output
  }

  /// The mean over T, H, W of the pooled ROIs, `[R, C]`, without materialising `[R, C, T, s, s]`.
  public func mean(_ features: Tensor, boxes: [Box]) -> Tensor {
    precondition(features.rank == 5 && features.shape[0] == 1, "ROICrop3D: features \(features.shape)")
    let c = features.shape[1]
    let slices = temporalMode == .keep ? features.shape[2] : 1
    let scale = 1 / Float(slices * outputSize * outputSize)
    var output = Tensor(shape: [boxes.count, c])
    output.withUnsafeMutableBufferPointer { out in
      let dst = UncheckedBox(out.baseAddress!)
      pool(features, boxes: boxes) { r, _, _, best in
        let row = dst.value + r * c
        for k in 0..<c { row[k] += scale * best[k] }
      }
    }
    return output
  }

  /// Calls `body(roi, slice, cell, values)` with the `C` max-pooled values of every output cell
  /// (`cell = oy · s + ox`); ROIs are spread over threads, so calls for one ROI come from one thread.
  func pool(
    _ features: Tensor, boxes: [Box], _ body: (Int, Int, Int, UnsafeMutablePointer<Float>) -> Void
  ) {
    let (c, h, w) = (features.shape[1], features.shape[3], features.shape[4])
    let slices = temporalMode == .keep ? features.shape[2] : 1
    let channelLast = Self.channelLast(features, average: temporalMode == .average)
    let (s, crop, pool, scale) = (outputSize, cropSize, poolSize, 1 / Float(stride))
    channelLast.withUnsafeBufferPointer { source in
      let src = UncheckedBox(source.baseAddress!)
      Compute.parallelFor(boxes.count) { r in
        let xs = Self.samples(boxes[r].x1, boxes[r].x2, scale: scale, count: crop, extent: w)
        let ys = Self.samples(boxes[r].y1, boxes[r].y2, scale: scale, count: crop, extent: h)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { scratch in
          let best = scratch.baseAddress!
          for slice in 0..<slices {
            let plane = src.value + slice * h * w * c
            for oy in 0..<s {
              for ox in 0..<s {
                best.update(repeating: -.infinity, count: c)
                for py in (oy * pool)..<((oy + 1) * pool) {
                  for px in (ox * pool)..<((ox + 1) * pool) {
                    Self.bilinearMax(plane, width: w, channels: c, y: ys[py], x: xs[px], into: best)
                  }
                }
                body(r, slice, oy * s + ox, best)
              }
            }
          }
        }
      }
    }
  }

  /// One sampling coordinate along an axis: the two neighbouring cells and their weights.
  struct Sample {
    var low: Int
    var high: Int
    var lowWeight: Float
    var highWeight: Float
  }

  /// torchvision's `roi_align` sample positions and bilinear weights along one axis.
  static func samples(_ a: Float, _ b: Float, scale: Float, count: Int, extent: Int) -> [Sample] {
    let start = a * scale - 0.5
    let bin = (b * scale - 0.5 - start) / Float(count)
    return (0..<count).map { k in
      var v = start + (Float(k) + 0.5) * bin
      if v < -1 || v > Float(extent) { return Sample(low: 0, high: 0, lowWeight: 0, highWeight: 0) }
      v = max(v, 0)
      var low = Int(v)
      var high = low + 1
      if low >= extent - 1 {
        low = extent - 1
        high = low
        v = Float(low)
      }
      let l = v - Float(low)
      return Sample(low: low, high: high, lowWeight: 1 - l, highWeight: l)
    }
  }

  /// `best[k] = max(best[k], Σ weight · plane[y, x, k])` over the four neighbours of sample (`y`, `x`),
  @inline(__always)
  static func bilinearMax(
    _ plane: UnsafePointer<Float>, width: Int, channels c: Int, y: Sample, x: Sample,
    into best: UnsafeMutablePointer<Float>
  ) {
    let p00 = plane + (y.low * width + x.low) * c
    let p01 = plane + (y.low * width + x.high) * c
    let p10 = plane + (y.high * width + x.low) * c
    let p11 = plane + (y.high * width + x.high) * c
    let (w00, w01) = (y.lowWeight * x.lowWeight, y.lowWeight * x.highWeight)
    let (w10, w11) = (y.highWeight * x.lowWeight, y.highWeight * x.highWeight)
    for k in 0..<c {
      let v = w00 * p00[k] + w01 * p01[k] + w10 * p10[k] + w11 * p11[k]
      best[k] = v > best[k] ? v : best[k]
    }
  }

  /// `[1, C, T, H, W]` → `[T, H, W, C]` (or `[1, H, W, C]` averaged over T).
  static func channelLast(_ x: Tensor, average: Bool) -> Tensor {
    let (c, t, h, w) = (x.shape[1], x.shape[2], x.shape[3], x.shape[4])
    let outT = average ? 1 : t
    var y = Tensor(shape: [outT, h, w, c])
    let plane = h * w
    let factor = average ? 1 / Float(t) : 1
    x.withUnsafeBufferPointer { src in
      y.withUnsafeMutableBufferPointer { dst in
        for ch in 0..<c {
          for s in 0..<t {
            let from = src.baseAddress! + (ch * t + s) * plane
            let to = dst.baseAddress! + (average ? 0 : s * plane * c) + ch
            for p in 0..<plane { to[p * c] += factor * from[p] }
          }
        }
      }
    }
    return y
  }
}
