import Testing

@testable import Tensor

/// Pooling against a direct loop; tolerance 1e-6 relative (max is exact, averages round).
@Suite struct PoolingTests {
  struct Case: CustomStringConvertible, Sendable {
    var input: [Int]
    var kernel: [Int]
    var stride: [Int]
    var padding: Padding
    var ceil = false
    var description: String { "in \(input) k \(kernel) s \(stride) \(padding) ceil \(ceil)" }
  }

  static let cases: [Case] = [
    Case(input: [1, 3, 4, 7, 9], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 3, 5, 6, 7], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .same),
    Case(input: [2, 2, 5, 7, 6], kernel: [3, 3, 3], stride: [2, 2, 2], padding: .same),
    Case(input: [1, 2, 5, 7, 6], kernel: [2, 2, 2], stride: [2, 2, 2], padding: .valid, ceil: true),
    Case(
      input: [1, 2, 5, 7, 9], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .symmetric([0, 1, 1]), ceil: true
    ),
    Case(input: [1, 2, 4, 8, 9], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .symmetric([1, 1, 1])),
    Case(input: [1, 2, 1, 9, 10], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .symmetric([0, 1, 1])),
    // Rows long enough for the 3-wide stride-2 max pass's sixteen-output steps (pads 1 and 0).
    Case(input: [1, 2, 2, 9, 75], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .symmetric([0, 1, 1])),
    Case(input: [1, 3, 2, 11, 101], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 2, 1, 8, 64], kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same),
    Case(input: [1, 2, 3, 150, 160], kernel: [3, 3, 3], stride: [2, 2, 2], padding: .same),
    // Many small volumes (ROI tubes): several blocks of volumes, the last one partial.
    Case(input: [3, 70, 5, 7, 7], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .symmetric([1, 1, 1])),
    Case(input: [3, 70, 5, 7, 7], kernel: [2, 2, 2], stride: [2, 2, 2], padding: .same),
    // Per-channel volumes above SeparablePool.fusedVolume: one whole-tensor pass per axis.
    Case(input: [1, 2, 3, 150, 160], kernel: [3, 3, 3], stride: [1, 1, 1], padding: .same),
    // Padding longer than the window: a pass's output is longer than its input.
    Case(
      input: [2, 3, 2, 3, 4], kernel: [1, 2, 2], stride: [1, 1, 1],
      padding: .explicit([
        PadAmount(before: 0, after: 0), PadAmount(before: 2, after: 2), PadAmount(before: 2, after: 2),
      ])),
  ]

  @Test(arguments: cases)
  func maxMatchesDirectLoop(_ c: Case) {
    var rng = SeededRandom(seed: 11)
    let x = rng.tensor(c.input)
    let y = MaxPool(kernel: c.kernel, stride: c.stride, padding: c.padding, ceilMode: c.ceil)(x)
    let ref = referencePool3d(
      x, kernel: c.kernel, stride: c.stride, padding: c.padding, ceil: c.ceil, max: true,
      countIncludePad: false)
    #expect(y.shape == ref.shape)
    if y.shape == ref.shape { #expect(maxRelativeError(y, ref) <= 1e-6) }
  }

  @Test(arguments: cases, [false, true])
  func averageMatchesDirectLoop(_ c: Case, includePad: Bool) {
    var rng = SeededRandom(seed: 13)
    let x = rng.tensor(c.input)
    let pool = AvgPool(
      kernel: c.kernel, stride: c.stride, padding: c.padding, ceilMode: c.ceil, countIncludePad: includePad)
    let y = pool(x)
    let ref = referencePool3d(
      x, kernel: c.kernel, stride: c.stride, padding: c.padding, ceil: c.ceil, max: false,
      countIncludePad: includePad)
    #expect(y.shape == ref.shape)
    if y.shape == ref.shape { #expect(maxRelativeError(y, ref) <= 1e-6) }
  }

  @Test func twoDimensionalPool() {
    var rng = SeededRandom(seed: 17)
    let x = rng.tensor([1, 3, 9, 10])
    let y = MaxPool(kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1]))(x)
    let ref = referencePool3d(
      x.reshaped([1, 3, 1, 9, 10]), kernel: [1, 3, 3], stride: [1, 2, 2], padding: .symmetric([0, 1, 1]),
      ceil: false, max: true, countIncludePad: false)
    #expect(y.shape == [1, 3, 5, 5])
    #expect(maxRelativeError(y, ref.reshaped([1, 3, 5, 5])) <= 1e-6)
  }

  @Test func networkShapes() {
    let x = Tensor(shape: [1, 1, 10, 40, 50])
    #expect(MaxPool(kernel: [3, 3, 3], stride: [2, 2, 2], padding: .same)(x).shape == [1, 1, 5, 20, 25])
    let m4 = Tensor(shape: [1, 1, 5, 20, 25])
    #expect(MaxPool(kernel: [2, 2, 2], stride: [2, 2, 2], padding: .same)(m4).shape == [1, 1, 3, 10, 13])
    #expect(MaxPool(kernel: [2, 2, 2], stride: [2, 2, 2], ceilMode: true)(m4).shape == [1, 1, 3, 10, 13])
    #expect(MaxPool(kernel: [2, 2, 2], stride: [2, 2, 2])(m4).shape == [1, 1, 2, 10, 12])
  }
}
