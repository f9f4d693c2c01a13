import Primitives
import Testing

@testable import Detection
@testable import Tensor

/// ROI-crop backward against a direct `Double` loop (relative 1e-5) and central finite differences
/// (ε 1e-3: the crop is piecewise linear, so only a probe that changes a pool's winner errs;
/// ≤ 1e-3 of the largest gradient), keep and average, boxes partly outside the map.
@Suite struct ROICropBackwardTests {
  /// Inside, partly outside on every side, and a box smaller than a cell (map 96 × 112 pixels).
  static let boxes = [
    Box(x1: 10, y1: 8, x2: 70, y2: 60),
    Box(x1: -30, y1: -20, x2: 50, y2: 40),
    Box(x1: 60, y1: 50, x2: 140, y2: 130),
    Box(x1: 33, y1: 41, x2: 40, y2: 47),
  ]

  /// Direct backward: each output cell's gradient to the first maximum of its bilinear samples (Double).
  func reference(_ crop: ROICrop3D, features: Tensor, boxes: [Box] = boxes, dy: Tensor) -> Tensor {
    let (c, t, h, w) = (features.shape[1], features.shape[2], features.shape[3], features.shape[4])
    let f = features.scalars.map(Double.init)
    let average = crop.temporalMode == .average
    let slices = average ? 1 : t
    let (s, pool) = (crop.outputSize, crop.poolSize)
    var dx = [Double](repeating: 0, count: features.count)
    let gy = dy.scalars
    for (r, box) in boxes.enumerated() {
      let xs = ROICrop3D.samples(
        box.x1, box.x2, scale: 1 / Float(crop.stride), count: crop.cropSize, extent: w)
      let ys = ROICrop3D.samples(
        box.y1, box.y2, scale: 1 / Float(crop.stride), count: crop.cropSize, extent: h)
      for k in 0..<c {
        for slice in 0..<slices {
          let frames = average ? Array(0..<t) : [slice]
          func value(_ y: Int, _ x: Int) -> Double {
            frames.reduce(0) { $0 + f[((k * t + $1) * h + y) * w + x] } / Double(frames.count)
          }
          for oy in 0..<s {
            for ox in 0..<s {
              var best = -Double.infinity
              var taps: [(Int, Int, Double)] = []
              for py in (oy * pool)..<((oy + 1) * pool) {
                for px in (ox * pool)..<((ox + 1) * pool) {
                  let (y, x) = (ys[py], xs[px])
                  let list = [
                    (y.low, x.low, Double(y.lowWeight * x.lowWeight)),
                    (y.low, x.high, Double(y.lowWeight * x.highWeight)),
                    (y.high, x.low, Double(y.highWeight * x.lowWeight)),
                    (y.high, x.high, Double(y.highWeight * x.highWeight)),
                  ]
                  let v = list.reduce(0) { $0 + $1.2 * value($1.0, $1.1) }
                  if v > best {
                    best = v
                    taps = list
                  }
                }
              }
              let g = Double(gy[((r * c + k) * slices + slice) * s * s + oy * s + ox])
              for (y, x, weight) in taps {
                for frame in frames {
                  dx[((k * t + frame) * h + y) * w + x] += g * weight / Double(frames.count)
                }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: features.shape, scalars: dx.map { Float($0) })
  }

  @Test(arguments: ROICrop3D.TemporalMode.allCases)
  func backward(_ mode: ROICrop3D.TemporalMode) {
    let crop = ROICrop3D(cropSize: 4, poolSize: 2, stride: 16, temporalMode: mode)
    var rng = SeededRandom(seed: 71)
    // 18 channels: one full block of 16 and a partial one.
    let features = rng.tensor([1, 18, 3, 6, 7])
    let y = crop(features, boxes: Self.boxes)
    let dy = rng.tensor(y.shape)
    let dx = crop.backward(features: features, boxes: Self.boxes, outputGradient: dy)
    #expect(maxRelativeError(dx.scalars, reference(crop, features: features, dy: dy).scalars) <= 1e-5)
    let error = finiteDifferenceError(at: features, analytic: dx, coordinates: 60, epsilon: 1e-3) {
      weightedSum(crop($0, boxes: Self.boxes), dy)
    }
    #expect(error <= 1e-3)
  }

  @Test(arguments: ROICrop3D.TemporalMode.allCases)
  func tiesGoToTheFirstSample(_ mode: ROICrop3D.TemporalMode) {
    // A constant map and a box whose samples sit halfway between cell centres: every sample of a
    // pool window reads exactly 1, so only the first-maximum rule decides where the gradient goes.
    let crop = ROICrop3D(cropSize: 4, poolSize: 2, stride: 16, temporalMode: mode)
    // 18 channels: the 16-channel block and the scalar rest both follow the rule.
    let features = Tensor(shape: [1, 18, 2, 6, 7], repeating: 1)
    let boxes = [Box(x1: 8, y1: 8, x2: 72, y2: 72)]
    var rng = SeededRandom(seed: 72)
    let dy = rng.tensor(crop(features, boxes: boxes).shape)
    let dx = crop.backward(features: features, boxes: boxes, outputGradient: dy)
    #expect(
      maxRelativeError(dx.scalars, reference(crop, features: features, boxes: boxes, dy: dy).scalars) <= 1e-6)
  }
}
