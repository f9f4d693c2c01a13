import Testing

@testable import Tensor

/// Convolution routes against a direct loop; tolerance 1e-5 relative (L∞ / max|reference|).
@Suite struct ConvolutionTests {
  static let tolerance: Float = 1e-5

  struct Case: CustomStringConvertible, Sendable {
    var input: [Int]
    var out: Int
    var kernel: [Int]
    var stride: [Int]
    var padding: Padding
    var description: String { "in \(input) k \(kernel) s \(stride) \(padding)" }

    /// A seeded input and layer (weight, bias, this case's stride and padding, `activation`), the
    /// direct loop's output before the activation, and the generator for further draws.
    func layer(seed: UInt64, activation: Activation = .identity) -> (
      x: Tensor, conv: Convolution, reference: Tensor, rng: SeededRandom
    ) {
      var rng = SeededRandom(seed: seed)
      let x = rng.tensor(input)
      let w = rng.tensor([out, input[1]] + kernel)
      let b = rng.tensor([out])
      let conv = Convolution(weight: w, bias: b, stride: stride, padding: padding, activation: activation)
      let reference = referenceConv3d(x, weight: w, bias: b.scalars, stride: stride, padding: padding)
      return (x, conv, reference, rng)
    }
  }

  static let cases: [Case] = [
    Case(input: [2, 5, 4, 6, 7], out: 6, kernel: [1, 1, 1], stride: [1, 1, 1], padding: .valid),
    Case(input: [1, 5, 4, 6, 7], out: 6, kernel: [1, 1, 1], stride: [1, 2, 2], padding: .same),
    Case(input: [2, 4, 5, 3, 5], out: 3, kernel: [3, 1, 1], stride: [1, 1, 1], padding: .same),
    Case(input: [1, 4, 6, 3, 5], out: 3, kernel: [3, 1, 1], stride: [2, 1, 1], padding: .same),
    Case(
      input: [1, 4, 2, 3, 5], out: 3, kernel: [5, 1, 1], stride: [1, 1, 1], padding: .symmetric([1, 0, 0])),
    Case(input: [1, 4, 4, 3, 3], out: 2, kernel: [3, 1, 1], stride: [1, 1, 1], padding: .valid),
    Case(input: [1, 3, 3, 7, 9], out: 5, kernel: [1, 3, 3], stride: [1, 1, 1], padding: .same),
    Case(input: [1, 3, 3, 7, 9], out: 5, kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 3, 5, 9, 8], out: 4, kernel: [3, 7, 7], stride: [2, 2, 2], padding: .same),
    Case(input: [2, 3, 4, 6, 5], out: 4, kernel: [2, 3, 2], stride: [1, 2, 3], padding: .valid),
    Case(
      input: [1, 2, 4, 6, 5], out: 3, kernel: [3, 3, 3], stride: [2, 1, 2],
      padding: .explicit([.init(before: 0, after: 1), .init(before: 2, after: 1), .init(before: 1, after: 0)])
    ),
    Case(
      input: [1, 3, 3, 8, 7], out: 2, kernel: [1, 7, 7], stride: [1, 2, 2], padding: .symmetric([0, 3, 3])),
    // Few positions and enough output channels: the GEMMs are split by channels between threads.
    Case(input: [1, 5, 3, 9, 11], out: 40, kernel: [1, 3, 3], stride: [1, 1, 1], padding: .same),
    Case(input: [2, 3, 2, 9, 11], out: 257, kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 3, 3, 5, 6], out: 260, kernel: [3, 1, 1], stride: [1, 1, 1], padding: .same),
    Case(input: [1, 3, 3, 5, 6], out: 260, kernel: [1, 1, 1], stride: [1, 1, 1], padding: .valid),
  ]

  @Test(arguments: cases)
  func matchesDirectLoop(_ c: Case) {
    let (x, conv, ref, _) = c.layer(seed: 42)
    let y = conv(x)
    #expect(y.shape == ref.shape)
    if y.shape == ref.shape { #expect(maxRelativeError(y, ref) <= Self.tolerance) }
  }

  /// Enough output channels that the pointwise and temporal routes split their output into
  /// several cache-sized chunks (at least 2048 columns each), with the chunk edges inside the taps.
  @Test(arguments: [[1, 1, 1], [3, 1, 1]])
  func chunkedRoutesMatchDirectLoop(kernel: [Int]) {
    var rng = SeededRandom(seed: 77)
    let x = rng.tensor([1, 2, 9, 10, 25])
    let w = rng.tensor([520, 2] + kernel)
    let b = rng.tensor([520])
    let r = rng.tensor([1, 520, 9, 10, 25])
    let conv = Convolution(weight: w, bias: b, padding: .same, activation: .relu)
    let ref = referenceConv3d(x, weight: w, bias: b.scalars, stride: [1, 1, 1], padding: .same)
    #expect(maxRelativeError(conv(x), ref.relu()) <= Self.tolerance)
    #expect(maxRelativeError(conv(x, residual: r), (ref + r).relu()) <= Self.tolerance)
  }

  /// Column matrices above the im2col budget are built in chunks of output rows that cross frames.
  @Test(arguments: [
    Case(input: [1, 64, 3, 20, 100], out: 2, kernel: [1, 3, 3], stride: [1, 1, 1], padding: .same),
    Case(input: [1, 3, 6, 80, 120], out: 2, kernel: [3, 7, 7], stride: [2, 2, 2], padding: .same),
  ])
  func chunkedIm2colMatchesDirectLoop(_ c: Case) {
    var rng = SeededRandom(seed: 78)
    let x = rng.tensor(c.input)
    let w = rng.tensor([c.out, c.input[1]] + c.kernel)
    let y = Convolution(weight: w, stride: c.stride, padding: c.padding)(x)
    let ref = referenceConv3d(x, weight: w, bias: nil, stride: c.stride, padding: c.padding)
    #expect(maxRelativeError(y, ref) <= Self.tolerance)
  }

  @Test func gemmMatchesDirectLoopForWideAndTallShapes() {
    var rng = SeededRandom(seed: 79)
    for (m, n, k) in [(3, 700, 5), (64, 10, 7), (40, 600, 3)] {
      let a = rng.tensor([m, k])
      let b = rng.tensor([k, n])
      var c = Tensor(shape: [m, n])
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          c.withUnsafeMutableBufferPointer { cp in
            Compute.gemm(
              m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!,
              ldc: n)
          }
        }
      }
      let (av, bv) = (a.scalars, b.scalars)
      var expected = [Float](repeating: 0, count: m * n)
      for i in 0..<m {
        for j in 0..<n {
          for l in 0..<k { expected[i * n + j] += av[i * k + l] * bv[l * n + j] }
        }
      }
      #expect(maxRelativeError(c, Tensor(shape: [m, n], scalars: expected)) <= Self.tolerance)
    }
  }

  @Test func twoDimensionalMatchesThreeWithUnitTime() {
    var rng = SeededRandom(seed: 7)
    let x = rng.tensor([1, 3, 9, 11])
    let w = rng.tensor([4, 3, 7, 7])
    let conv = Convolution(weight: w, stride: [2, 2], padding: .symmetric([3, 3]), activation: .relu)
    let y = conv(x)
    #expect(y.shape == [1, 4, 5, 6])
    let ref = referenceConv3d(
      x.reshaped([1, 3, 1, 9, 11]), weight: w.reshaped([4, 3, 1, 7, 7]), bias: nil, stride: [1, 2, 2],
      padding: .symmetric([0, 3, 3])
    ).relu()
    #expect(maxRelativeError(y, ref.reshaped([1, 4, 5, 6])) <= Self.tolerance)
  }

  @Test func residualAndReluAreFused() {
    var rng = SeededRandom(seed: 3)
    let x = rng.tensor([1, 4, 6, 5])
    let w = rng.tensor([6, 4, 1, 1])
    let b = rng.tensor([6])
    let r = rng.tensor([1, 6, 6, 5])
    let y = Convolution(weight: w, bias: b, activation: .relu)(x, residual: r)
    let ref = referenceConv3d(
      x.reshaped([1, 4, 1, 6, 5]), weight: w.reshaped([6, 4, 1, 1, 1]), bias: b.scalars, stride: [1, 1, 1],
      padding: .valid)
    let expected = (ref.reshaped([1, 6, 6, 5]) + r).relu()
    #expect(maxRelativeError(y, expected) <= Self.tolerance)
  }

  @Test func writesIntoChannelSlice() {
    var rng = SeededRandom(seed: 5)
    let x = rng.tensor([2, 3, 3, 4, 5])
    let a = Convolution(weight: rng.tensor([2, 3, 1, 1, 1]), activation: .relu)
    let b = Convolution(weight: rng.tensor([4, 3, 3, 3, 3]), padding: .same)
    var out = Tensor(shape: [2, 6, 3, 4, 5], repeating: .nan)
    a.forward(x, into: &out, channelOffset: 0)
    b.forward(x, into: &out, channelOffset: 2)
    let expected = Tensor.concatenateChannels([a(x), b(x)])
    #expect(maxRelativeError(out, expected) <= Self.tolerance)
  }

  @Test func batchNormFoldsIntoWeightsAndBias() {
    var rng = SeededRandom(seed: 9)
    let x = rng.tensor([1, 3, 3, 5, 6])
    let conv = Convolution(weight: rng.tensor([4, 3, 1, 3, 3]), padding: .same)
    let variance = Tensor(shape: [4], scalars: rng.tensor([4]).scalars.map { $0 * $0 + 0.1 })
    for gamma in [rng.tensor([4]), nil] {
      let bn = BatchNormParameters(
        gamma: gamma, beta: rng.tensor([4]), mean: rng.tensor([4]), variance: variance, epsilon: 1e-3)
      let folded = bn.fold(into: conv)
      #expect(maxRelativeError(folded(x), bn(conv(x))) <= Self.tolerance)
    }
  }

  @Test func sameAndValidShapes() {
    let w = Tensor(shape: [8, 3, 3, 7, 7])
    let conv = Convolution(weight: w, stride: [2, 2, 2], padding: .same)
    #expect(conv.outputShape(for: [1, 3, 20, 320, 400]) == [1, 8, 10, 160, 200])
    let valid = Convolution(weight: w, stride: [2, 2, 2], padding: .valid)
    #expect(valid.outputShape(for: [1, 3, 20, 320, 400]) == [1, 8, 9, 157, 197])
  }
}
