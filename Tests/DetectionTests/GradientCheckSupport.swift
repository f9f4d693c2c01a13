import Tensor

/// Central finite differences of a scalar function, compared with an analytic gradient.
///
/// `loss` maps a tensor to a scalar (accumulate it in `Double`: float32 differences of a float32 sum
/// lose most of their digits). `coordinates` elements of `x` are probed (chosen by `seed`); each
/// numerical derivative is `(loss(x + ε eᵢ) − loss(x − ε eᵢ)) / 2ε`. Returns the largest
/// `|analytic − numerical|` over the probed elements divided by `max(max|analytic|, floor)` (the
/// same L∞-relative measure as `maxRelativeError`).
///
/// Kinks (ReLU at 0, a max pool's tie) make a numerical derivative wrong when a probe straddles
/// them: keep inputs away from them (the tests draw values well apart) or pick `epsilon` small.
func finiteDifferenceError(
  at x: Tensor, analytic: Tensor, coordinates: Int = 24, epsilon: Float = 1e-2, seed: UInt64 = 7,
  floor: Float = 1e-3, loss: (Tensor) -> Double
) -> Float {
  precondition(x.shape == analytic.shape, "finiteDifferenceError: \(x.shape) vs gradient \(analytic.shape)")
  var random = SeededRandom(seed: seed)
  let a = analytic.scalars
  let scale = max(a.map { abs($0) }.max() ?? 0, floor)
  var worst: Float = 0
  for _ in 0..<min(coordinates, x.count) {
    let i = min(Int((random.next() + 1) / 2 * Float(x.count)), x.count - 1)
    var plus = x
    var minus = x
    plus.withUnsafeMutableBufferPointer { $0[i] += epsilon }
    minus.withUnsafeMutableBufferPointer { $0[i] -= epsilon }
    let numerical = Float((loss(plus) - loss(minus)) / Double(2 * epsilon))
    worst = max(worst, abs(numerical - a[i]) / scale)
  }
  return worst
}

/// `Σ y · w` accumulated in `Double`: the scalar whose gradient with respect to `y` is `w`
/// (the "output gradient" a backward pass is given).
func weightedSum(_ y: Tensor, _ w: Tensor) -> Double {
  precondition(y.shape == w.shape, "weightedSum: \(y.shape) vs \(w.shape)")
  let (a, b) = (y.scalars, w.scalars)
  var s = 0.0
  for i in 0..<a.count { s += Double(a[i]) * Double(b[i]) }
  return s
}

/// SplitMix64 values (a copy of `TensorTests`' generator, for the ROI-crop gradient tests).
struct SeededRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// Next value uniform in [-1, 1).
  mutating func next() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) / Float(1 << 23) - 1
  }

  /// A tensor of the given shape with uniform [-1, 1) elements.
  mutating func tensor(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in next() })
  }
}
