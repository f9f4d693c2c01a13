import Testing

@testable import Tensor

/// Pool backward passes against a direct loop over every window (relative 1e-6; max pool with
/// tied inputs, so the first-maximum rule is checked) and against central finite differences
/// (max: distinct inputs 0.01 apart, ε 1e-3; average: ε 1e-2; both ≤ 1e-3 of the largest gradient).
@Suite struct PoolingBackwardTests {
  struct Case: CustomStringConvertible, Sendable {
    var input: [Int]
    var kernel: [Int]
    var stride: [Int]
    var padding: Padding
    var ceil = false
    var description: String { "in \(input) k \(kernel) s \(stride) \(padding) ceil \(ceil)" }
  }

  static let cases: [Case] = [
    // TF SAME, 3-D and 2-D.
    Case(input: [1, 2, 4, 7, 9], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [2, 2, 5, 6, 7], kernel: [3, 3, 3], stride: [2, 2, 2], padding: .same),
    Case(input: [1, 2, 5, 6, 7], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .same),
    Case(input: [2, 3, 7, 8], kernel: [3, 3], stride: [2, 2], padding: .same),
    // PyTorch ceil_mode (S3D torchvision) and explicit padding (ResNet stem 3×3/2 pad 1).
    Case(input: [1, 2, 5, 7, 6], kernel: [2, 2, 2], stride: [2, 2, 2], padding: .valid, ceil: true),
    Case(
      input: [1, 2, 3, 7, 9], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .symmetric([0, 1, 1]), ceil: true
    ),
    Case(input: [2, 2, 9, 10], kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1])),
    Case(input: [1, 3, 7, 7], kernel: [2, 2], stride: [2, 2], padding: .valid, ceil: true),
    // Rows wide enough for the eight-window W pass, with a tail after it (and H rows of 8 and more).
    Case(input: [1, 2, 3, 9, 37], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .same),
    Case(input: [1, 1, 2, 5, 21], kernel: [1, 3, 3], stride: [1, 1, 1], padding: .valid),
    Case(input: [1, 2, 4, 11], kernel: [5, 5], stride: [1, 1], padding: .symmetric([2, 2])),
    // Strided wide rows: the W pass takes every stride-th of the stride-1 windows.
    Case(input: [1, 2, 2, 9, 33], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 1, 3, 5, 40], kernel: [3, 3, 3], stride: [2, 2, 2], padding: .same),
    Case(input: [1, 2, 9, 35], kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1])),
    Case(input: [1, 1, 2, 4, 27], kernel: [2, 2, 2], stride: [2, 2, 2], padding: .valid, ceil: true),
    Case(input: [1, 1, 1, 3, 20], kernel: [1, 1, 1], stride: [1, 2, 3], padding: .valid),
    // Short rows (the head's 7×7 maps): the whole plane's windows in one pass.
    Case(input: [3, 2, 5, 7, 7], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .same),
    Case(input: [1, 2, 6, 5], kernel: [2, 2], stride: [1, 1], padding: .valid),
    // Sixteen planes and more of small volume (ROI tubes): 16 planes at once, the last group partial.
    Case(input: [2, 9, 5, 7, 7], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .symmetric([1, 1, 1])),
    Case(input: [3, 6, 5, 7, 7], kernel: [2, 2, 2], stride: [2, 2, 2], padding: .same),
    Case(input: [1, 17, 3, 7, 6], kernel: [2, 2, 2], stride: [2, 2, 2], padding: .valid, ceil: true),
    Case(input: [4, 5, 7, 9], kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1])),
  ]

  /// Which cases take the 16-planes-at-once route: many small planes only.
  @Test func laneRouteRule() {
    func lanes(_ shape: [Int], _ kernel: [Int]) -> Bool {
      MaxPool.takesLaneRoute(
        PoolGeometry(
          inputShape: shape, kernel: kernel, stride: kernel.map { _ in 1 }, padding: .same, ceilMode: false,
          mode: .max))
    }
    #expect(
      lanes([2, 9, 5, 7, 7], [3, 3, 3]) && lanes([64, 208, 5, 7, 7], [3, 3, 3])
        && lanes([4, 5, 7, 9], [3, 3]))
    #expect(!lanes([3, 2, 5, 7, 7], [3, 3, 3]) && !lanes([1, 120, 10, 24, 30], [3, 3, 3]))
  }

  /// The case as 3-D geometry for the reference (2-D gets a unit T axis).
  func threeD(_ c: Case) -> (shape: [Int], kernel: [Int], stride: [Int], padding: Padding) {
    if c.kernel.count == 3 { return (c.input, c.kernel, c.stride, c.padding) }
    let shape = [c.input[0], c.input[1], 1, c.input[2], c.input[3]]
    var padding = c.padding
    if case .explicit(let a) = c.padding { padding = .explicit([PadAmount(before: 0, after: 0)] + a) }
    return (shape, [1] + c.kernel, [1] + c.stride, padding)
  }

  /// Direct loop: every window's gradient to its first maximum (max) or spread over it (average).
  func referenceBackward(_ c: Case, x: Tensor, dy: Tensor, max isMax: Bool, includePad: Bool) -> Tensor {
    let (shape, kernel, stride, padding) = threeD(c)
    let dims = Array(shape[2...])
    let axes = (0..<3).map {
      referenceAxis(
        input: dims[$0], kernel: kernel[$0], stride: stride[$0], padding: padding, axis: $0, ceil: c.ceil)
    }
    let (xs, gs) = (x.scalars, dy.scalars)
    var dx = [Double](repeating: 0, count: x.count)
    var o = 0
    let volume = dims.reduce(1, *)
    for plane in 0..<(shape[0] * shape[1]) {
      for ot in 0..<axes[0].out {
        for oy in 0..<axes[1].out {
          for ox in 0..<axes[2].out {
            let index = [ot, oy, ox]
            var positions: [Int] = []
            var padCount = 1
            var lo = [0, 0, 0]
            var hi = [0, 0, 0]
            for a in 0..<3 {
              let s = index[a] * stride[a] - axes[a].before
              padCount *= min(s + kernel[a], dims[a] + axes[a].after) - s
              lo[a] = max(s, 0)
              hi[a] = min(s + kernel[a], dims[a])
            }
            for it in lo[0]..<hi[0] {
              for iy in lo[1]..<hi[1] {
                for ix in lo[2]..<hi[2] {
                  positions.append(plane * volume + (it * dims[1] + iy) * dims[2] + ix)
                }
              }
            }
            let g = Double(gs[o])
            o += 1
            if isMax {
              var best = positions[0]
              for p in positions where xs[p] > xs[best] { best = p }
              dx[best] += g
            } else {
              let d = Double(includePad ? padCount : positions.count)
              for p in positions { dx[p] += g / d }
            }
          }
        }
      }
    }
    return Tensor(shape: x.shape, scalars: dx.map { Float($0) })
  }

  /// Distinct values 0.01 apart in a seeded order (no ties, no probe crosses another value).
  func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SeededRandom(seed: seed)
    let count = shape.reduce(1, *)
    let order = (0..<count).map { ($0, rng.next()) }.sorted { $0.1 < $1.1 }.map(\.0)
    return Tensor(shape: shape, scalars: order.map { Float($0) * 0.01 - Float(count) * 0.005 })
  }

  @Test(arguments: cases)
  func maxPoolBackward(_ c: Case) {
    let pool = MaxPool(kernel: c.kernel, stride: c.stride, padding: c.padding, ceilMode: c.ceil)
    let x = distinct(c.input, seed: 51)
    let y = pool(x)
    let w = SeededRandom(seed: 52).tensorCopy(y.shape)
    let dx = pool.backward(input: x, outputGradient: w)
    #expect(maxRelativeError(dx, referenceBackward(c, x: x, dy: w, max: true, includePad: false)) <= 1e-6)
    let error = finiteDifferenceError(at: x, analytic: dx, coordinates: 40, epsilon: 1e-3) {
      weightedSum(pool($0), w)
    }
    #expect(error <= 1e-3)
    // Ties: values from {−1, 0, 1}; the gradient goes to the first maximum of each window.
    var rng = SeededRandom(seed: 53)
    let tied = Tensor(shape: c.input, scalars: rng.tensor(c.input).scalars.map { ($0 * 1.5).rounded() })
    let tiedGradient = pool.backward(input: tied, outputGradient: w)
    #expect(
      maxRelativeError(tiedGradient, referenceBackward(c, x: tied, dy: w, max: true, includePad: false))
        <= 1e-6)
  }

  @Test(arguments: cases, [false, true])
  func avgPoolBackward(_ c: Case, includePad: Bool) {
    let pool = AvgPool(
      kernel: c.kernel, stride: c.stride, padding: c.padding, ceilMode: c.ceil, countIncludePad: includePad)
    var rng = SeededRandom(seed: 54)
    let x = rng.tensor(c.input)
    let y = pool(x)
    let w = rng.tensor(y.shape)
    let dx = pool.backward(inputShape: x.shape, outputGradient: w)
    #expect(
      maxRelativeError(dx, referenceBackward(c, x: x, dy: w, max: false, includePad: includePad)) <= 1e-6)
    let error = finiteDifferenceError(at: x, analytic: dx, coordinates: 40) { weightedSum(pool($0), w) }
    #expect(error <= 1e-3)
  }
}
