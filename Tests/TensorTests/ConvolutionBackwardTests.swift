import Testing

@testable import Tensor

/// `Convolution.backward` against a direct-loop reference in `Double` (every route: pointwise,
/// temporal, flipped stride-1 convolution with its forward routes, im2col + col2im), and against
/// finite differences of the forward. Tolerance: `maxRelativeError` (L∞ / max|reference|) ≤ 1e-5
/// for dL/dx, dL/dW and dL/db; finite differences (float32 forward, ε = 1e-2) ≤ 2e-3.
struct ConvolutionBackwardTests {
  static let tolerance: Float = 1e-5

  struct Case: CustomStringConvertible, Sendable {
    var input: [Int]
    var out: Int
    /// Two entries for a 2-D (NCHW) convolution, three for 3-D.
    var kernel: [Int]
    var stride: [Int]? = nil
    var padding: Padding = .valid
    var bias = true
    var description: String {
      "in \(input) out \(out) kernel \(kernel) stride \(stride ?? []) \(padding) bias \(bias)"
    }
  }

  static func pads(_ p: [(Int, Int)]) -> Padding {
    .explicit(p.map { PadAmount(before: $0.0, after: $0.1) })
  }

  static let cases: [Case] = [
    // 2-D: pointwise, 3×3, 7×7 stem, strided shortcut, even kernel, asymmetric and oversized padding.
    Case(input: [2, 6, 5, 7], out: 4, kernel: [1, 1]),
    Case(input: [1, 5, 9, 11], out: 6, kernel: [3, 3], padding: .same),
    Case(input: [1, 4, 8, 9], out: 3, kernel: [3, 3], bias: false),
    Case(input: [1, 4, 8, 9], out: 5, kernel: [3, 3], padding: pads([(0, 2), (2, 1)])),
    Case(input: [2, 4, 9, 10], out: 5, kernel: [3, 3], stride: [2, 2], padding: .same),
    Case(input: [1, 3, 17, 15], out: 4, kernel: [7, 7], stride: [2, 2], padding: .same),
    Case(input: [2, 3, 16, 19], out: 4, kernel: [7, 7], stride: [2, 2], padding: .symmetric([3, 3])),
    Case(input: [2, 8, 9, 7], out: 5, kernel: [1, 1], stride: [2, 2]),
    Case(input: [1, 3, 6, 7], out: 4, kernel: [2, 2], padding: .same),
    Case(input: [1, 3, 6, 7], out: 2, kernel: [3, 3], padding: pads([(3, 0), (1, 3)])),
    Case(input: [1, 4, 9, 8], out: 3, kernel: [3, 3], stride: [2, 1], padding: pads([(1, 0), (0, 2)])),
    // 3-D: pointwise, temporal (stride 1 and 2), 1×k×k, k×k×k, 7×1×1/2, 1×7×7/(1,2,2).
    Case(input: [2, 5, 3, 4, 6], out: 4, kernel: [1, 1, 1], padding: .same),
    Case(input: [1, 6, 7, 4, 5], out: 5, kernel: [3, 1, 1], padding: .same),
    Case(input: [1, 4, 6, 3, 5], out: 3, kernel: [5, 1, 1], bias: false),
    Case(input: [2, 5, 9, 3, 4], out: 4, kernel: [3, 1, 1], stride: [2, 1, 1], padding: .same),
    Case(
      input: [1, 4, 8, 3, 3], out: 3, kernel: [3, 1, 1], stride: [2, 1, 1], padding: .symmetric([1, 0, 0])),
    Case(input: [1, 3, 11, 3, 4], out: 3, kernel: [7, 1, 1], stride: [2, 1, 1], padding: .same),
    Case(input: [1, 3, 5, 4, 5], out: 2, kernel: [3, 1, 1], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 4, 3, 7, 9], out: 5, kernel: [1, 3, 3], padding: .same),
    Case(input: [2, 4, 2, 9, 8], out: 3, kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 3, 2, 13, 12], out: 4, kernel: [1, 7, 7], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 3, 5, 6, 7], out: 4, kernel: [3, 3, 3], padding: .symmetric([1, 1, 1])),
    Case(
      input: [1, 3, 7, 8, 9], out: 2, kernel: [3, 3, 3], stride: [2, 2, 2], padding: .same, bias: false),
    Case(input: [1, 2, 9, 10, 11], out: 3, kernel: [7, 7, 7], stride: [2, 2, 2], padding: .same),
    Case(
      input: [1, 3, 5, 6, 7], out: 3, kernel: [3, 3, 3], padding: pads([(2, 0), (0, 2), (1, 2)])),
    // Enough positions for several workers' parts and several im2col chunks per part.
    Case(input: [1, 4, 70, 130], out: 8, kernel: [3, 3], padding: .symmetric([1, 1])),
    Case(input: [2, 16, 40, 60], out: 32, kernel: [3, 3], stride: [2, 2], padding: .same),
    Case(input: [2, 8, 6, 24, 30], out: 12, kernel: [3, 1, 1], stride: [2, 1, 1], padding: .same),
    Case(input: [2, 8, 4, 40, 50], out: 12, kernel: [1, 1, 1]),
    // Few positions, many output channels: dL/dW split by output channels.
    Case(input: [2, 6, 7, 9], out: 40, kernel: [3, 3], padding: .same),
    Case(input: [1, 9, 6, 5], out: 33, kernel: [1, 1]),
    Case(input: [1, 5, 4, 3, 5], out: 32, kernel: [3, 1, 1], padding: .same),
  ]

  /// One case's layer and tensors.
  static func make(_ c: Case, seed: UInt64) -> (Convolution, x: Tensor, dy: Tensor) {
    var rng = SeededRandom(seed: seed)
    let x = rng.tensor(c.input)
    let w = rng.tensor([c.out, c.input[1]] + c.kernel)
    let conv = Convolution(
      weight: w, bias: c.bias ? rng.tensor([c.out]) : nil, stride: c.stride, padding: c.padding)
    let dy = rng.tensor(conv.outputShape(for: c.input))
    return (conv, x, dy)
  }

  @Test(arguments: cases)
  func matchesDirectLoop(_ c: Case) {
    let (conv, x, dy) = Self.make(c, seed: 41)
    let grads = conv.backward(input: x, outputGradient: dy)
    let ref = referenceConvolutionBackward(conv, x: x, dy: dy)
    #expect(grads.input.map { maxRelativeError($0, ref.input) <= Self.tolerance } == true)
    #expect(maxRelativeError(grads.weight, ref.weight) <= Self.tolerance)
    #expect(grads.bias.map { maxRelativeError($0, ref.bias) <= Self.tolerance } ?? !c.bias)
  }

  /// Three workers (parts not matching the core count) and one give the same gradients.
  @Test func threadCountsAgree() {
    let c = Case(input: [2, 6, 5, 33, 41], out: 10, kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same)
    let (conv, x, dy) = Self.make(c, seed: 42)
    let ref = referenceConvolutionBackward(conv, x: x, dy: dy)
    for threads in [1, 3] {
      let grads = Compute.withThreadCount(threads) { conv.backward(input: x, outputGradient: dy) }
      #expect(maxRelativeError(grads.input!, ref.input) <= Self.tolerance)
      #expect(maxRelativeError(grads.weight, ref.weight) <= Self.tolerance)
      #expect(maxRelativeError(grads.bias!, ref.bias) <= Self.tolerance)
    }
  }

  @Test func skipsInputGradientWhenNotRequested() {
    let (conv, x, dy) = Self.make(
      Case(input: [1, 3, 9, 9], out: 2, kernel: [3, 3], stride: [2, 2]), seed: 43)
    let grads = conv.backward(input: x, outputGradient: dy, inputGradient: false)
    #expect(grads.input == nil)
    #expect(grads.weight.shape == [2, 3, 3, 3])
  }

  /// For stride-1 kernels, the flipped convolution and the col2im route give the same dL/dx.
  @Test(arguments: [
    Case(input: [2, 5, 8, 11], out: 4, kernel: [3, 3], padding: .same),
    Case(input: [1, 4, 6, 5, 7], out: 3, kernel: [3, 1, 1], padding: .symmetric([1, 0, 0])),
    Case(input: [1, 3, 4, 6, 7], out: 5, kernel: [2, 3, 3], padding: pads([(1, 0), (0, 2), (2, 1)])),
  ])
  func flippedConvolutionMatchesColumns(_ c: Case) {
    let (conv, x, dy) = Self.make(c, seed: 44)
    let g = conv.geometry(x.shape)
    #expect(conv.flippedPadding(g) != nil)
    Compute.withThreadCount(2) {
      let flipped = conv.inputGradient(x.shape, dy, g, forceWinograd: false)
      var columns = Tensor(uninitializedShape: x.shape)
      conv.columnInputGradient(dy, g, into: &columns)
      // Same arithmetic up to summation order, unless TENSOR_WINOGRAD=1 sends the flipped 3×3 through Winograd.
      #expect(maxRelativeError(flipped, columns) <= (Winograd.mode == 1 ? Self.tolerance : 1e-6))
      // A second call reuses the cached flipped convolution (same thread count, so the same splits).
      let again = conv.inputGradient(x.shape, dy, g, forceWinograd: false)
      #expect(maxRelativeError(again, flipped) == 0)
    }
    let pads = conv.flippedPadding(g)!
    #expect(
      conv.flippedConvolution(padding: pads).weight.storage
        === conv.flippedConvolution(padding: pads).weight.storage)
  }

  /// dL/dx of stride-1 3×3, 1×3×3 and 3×1×1 kernels through the Winograd routes of the flipped
  /// convolution, and dL/dW through F(4×4, 3×3) and temporal F(4, 3).
  @Test(
    .enabled(if: Winograd.mode != 0, "TENSOR_WINOGRAD=0 builds no transformed weights"),
    arguments: [
      Case(input: [2, 5, 9, 11], out: 6, kernel: [3, 3], padding: .same),
      Case(input: [1, 4, 3, 10, 7], out: 5, kernel: [1, 3, 3], padding: pads([(0, 0), (0, 2), (2, 0)])),
      Case(input: [1, 5, 10, 3, 4], out: 6, kernel: [3, 1, 1], padding: .same),
      Case(input: [1, 8, 2, 9, 10], out: 32, kernel: [1, 3, 3], padding: .same),
      Case(input: [2, 4, 6, 2, 3], out: 32, kernel: [3, 1, 1], padding: .symmetric([1, 0, 0])),
    ])
  func winogradRoutes(_ c: Case) {
    let (conv, x, dy) = Self.make(c, seed: 45)
    let g = conv.geometry(x.shape)
    let flipped = conv.flippedConvolution(padding: conv.flippedPadding(g)!)
    #expect(flipped.winogradWeights != nil || flipped.temporalWinogradWeights != nil)
    let grads = conv.backward(input: x, outputGradient: dy, inputGradient: true, forceWinograd: true)
    let ref = referenceConvolutionBackward(conv, x: x, dy: dy)
    #expect(maxRelativeError(grads.input!, ref.input) <= Self.tolerance)
    #expect(maxRelativeError(grads.weight, ref.weight) <= Self.tolerance)
  }

  /// A map large enough for the Winograd route of dL/dW without forcing it (256 tiles per worker:
  /// split by positions); the small-channel cases of `matchesDirectLoop` take im2col.
  @Test(.enabled(if: Winograd.mode != 0, "TENSOR_WINOGRAD=0 builds no transformed weights"))
  func winogradWeightGradientBySizeRule() {
    let c = Case(input: [2, 16, 1, 64, 63], out: 16, kernel: [1, 3, 3], padding: .same)
    let (conv, x, dy) = Self.make(c, seed: 47)
    Compute.withThreadCount(2) {
      #expect(conv.winogradWeightGradientApplies(conv.geometry(x.shape), force: false))
      let small = Self.make(Self.cases[1], seed: 47)
      #expect(
        Winograd.mode == 1
          || !small.0.winogradWeightGradientApplies(small.0.geometry(small.x.shape), force: false))
      let grads = conv.backward(input: x, outputGradient: dy)
      let ref = referenceConvolutionBackward(conv, x: x, dy: dy)
      #expect(maxRelativeError(grads.weight, ref.weight) <= Self.tolerance)
      #expect(maxRelativeError(grads.input!, ref.input) <= Self.tolerance)
    }
  }

  /// S3D-G's 10-step maps take the temporal Winograd route of dL/dW without forcing it.
  @Test(.enabled(if: TemporalWinograd.enabled, "TENSOR_(TEMPORAL_)WINOGRAD=0 disables the route"))
  func temporalWinogradWeightGradientBySizeRule() {
    let c = Case(input: [2, 16, 10, 3, 5], out: 17, kernel: [3, 1, 1], padding: .same)
    let (conv, x, dy) = Self.make(c, seed: 48)
    #expect(conv.temporalWinogradWeightGradientApplies(conv.geometry(x.shape), force: false))
    let grads = conv.backward(input: x, outputGradient: dy)
    let ref = referenceConvolutionBackward(conv, x: x, dy: dy)
    #expect(maxRelativeError(grads.weight, ref.weight) <= Self.tolerance)
    #expect(maxRelativeError(grads.input!, ref.input) <= Self.tolerance)
    #expect(maxRelativeError(grads.bias!, ref.bias) <= Self.tolerance)
  }

  /// The analytic gradients against central differences of the forward (`Σ y · dy`).
  @Test(arguments: [
    Case(input: [1, 3, 7, 8], out: 2, kernel: [3, 3], stride: [2, 2], padding: .same),
    Case(input: [2, 2, 5, 3, 4], out: 3, kernel: [3, 1, 1], stride: [2, 1, 1], padding: .same),
    Case(input: [1, 3, 2, 6, 5], out: 2, kernel: [1, 3, 3], padding: .symmetric([0, 1, 1])),
  ])
  func matchesFiniteDifferences(_ c: Case) {
    let (conv, x, dy) = Self.make(c, seed: 46)
    let grads = conv.backward(input: x, outputGradient: dy)
    let inputError = finiteDifferenceError(at: x, analytic: grads.input!) { weightedSum(conv($0), dy) }
    let weightError = finiteDifferenceError(at: conv.weight, analytic: grads.weight) {
      weightedSum(Convolution(weight: $0, bias: conv.bias, stride: conv.stride, padding: conv.padding)(x), dy)
    }
    let biasError = finiteDifferenceError(at: conv.bias!, analytic: grads.bias!) {
      weightedSum(
        Convolution(weight: conv.weight, bias: $0, stride: conv.stride, padding: conv.padding)(x), dy)
    }
    #expect(inputError <= 2e-3 && weightError <= 2e-3 && biasError <= 2e-3)
  }
}

/// Direct-loop dL/dx, dL/dW and dL/db of `conv` (activation excluded) in `Double`, for 2-D or 3-D.
func referenceConvolutionBackward(_ conv: Convolution, x: Tensor, dy: Tensor)
  -> (input: Tensor, weight: Tensor, bias: Tensor)
{
  let two = x.rank == 4
  let shape5 = { (s: [Int]) in two ? [s[0], s[1], 1, s[2], s[3]] : s }
  let xs5 = shape5(x.shape)
  let ws5 = shape5(conv.weight.shape)
  let ys5 = shape5(dy.shape)
  let stride = two ? [1] + conv.stride : conv.stride
  var padding = conv.padding
  if two, case .explicit(let p) = padding { padding = .explicit([PadAmount(before: 0, after: 0)] + p) }
  let (n, c, t, h, w) = (xs5[0], xs5[1], xs5[2], xs5[3], xs5[4])
  let (o, kt, kh, kw) = (ws5[0], ws5[2], ws5[3], ws5[4])
  let axes = (0..<3).map { a in
    referenceAxis(input: xs5[a + 2], kernel: ws5[a + 2], stride: stride[a], padding: padding, axis: a)
  }
  precondition(axes.map(\.out) == Array(ys5[2...]), "reference: output \(ys5) vs axes \(axes)")
  let (xv, wv, gv) = (x.scalars, conv.weight.scalars, dy.scalars)
  var dx = [Double](repeating: 0, count: x.count)
  var dw = [Double](repeating: 0, count: conv.weight.count)
  var db = [Double](repeating: 0, count: o)
  var index = 0
  for b in 0..<n {
    for oc in 0..<o {
      for ot in 0..<ys5[2] {
        for oy in 0..<ys5[3] {
          for ox in 0..<ys5[4] {
            let grad = Double(gv[index])
            index += 1
            db[oc] += grad
            for ic in 0..<c {
              for dt in 0..<kt {
                let it = ot * stride[0] + dt - axes[0].before
                if it < 0 || it >= t { continue }
                for ky in 0..<kh {
                  let iy = oy * stride[1] + ky - axes[1].before
                  if iy < 0 || iy >= h { continue }
                  for kx in 0..<kw {
                    let ix = ox * stride[2] + kx - axes[2].before
                    if ix < 0 || ix >= w { continue }
                    let xi = (((b * c + ic) * t + it) * h + iy) * w + ix
                    let wi = (((oc * c + ic) * kt + dt) * kh + ky) * kw + kx
                    dx[xi] += grad * Double(wv[wi])
                    dw[wi] += grad * Double(xv[xi])
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  let float = { (v: [Double]) in v.map { Float($0) } }
  return (
    Tensor(shape: x.shape, scalars: float(dx)), Tensor(shape: conv.weight.shape, scalars: float(dw)),
    Tensor(shape: [o], scalars: float(db))
  )
}
