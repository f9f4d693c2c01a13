import Testing

@testable import Tensor

/// The Winograd F(4×4, 3×3) route and the temporal F(4, 3) route against the direct loop. Tolerance 1e-5 relative
/// (L∞ / max|reference|), as for the other routes: F(4, 3) multiplies by up to 8 in its transforms,
/// so its rounding error is a few times that of im2col (measured 0.4–3.6e-6 on these cases).
@Suite(.enabled(if: Winograd.mode != 0, "TENSOR_WINOGRAD=0 builds no transformed weights"))
struct WinogradTests {
  static let tolerance: Float = 1e-5

  struct Case: CustomStringConvertible, Sendable {
    var input: [Int]
    var out: Int
    var padding: Padding
    var relu = false
    var residual = false
    /// `[1, 3, 3]` (the 2-D-per-slice route) or `[3, 1, 1]` (the temporal route).
    var kernel = [1, 3, 3]
    var description: String {
      "in \(input) out \(out) kernel \(kernel) \(padding) relu \(relu) residual \(residual)"
    }
  }

  static let cases: [Case] = [
    // Odd sizes: tiles do not divide the output.
    Case(input: [1, 5, 3, 7, 9], out: 6, padding: .same, relu: true),
    Case(input: [2, 4, 2, 13, 10], out: 5, padding: .symmetric([0, 1, 1]), residual: true),
    Case(input: [1, 3, 1, 6, 6], out: 2, padding: .valid),
    Case(input: [1, 3, 2, 9, 5], out: 4, padding: .valid, relu: true, residual: true),
    Case(
      input: [1, 4, 1, 11, 7], out: 3,
      padding: .explicit([
        PadAmount(before: 0, after: 0), PadAmount(before: 0, after: 2), PadAmount(before: 2, after: 1),
      ])),
    // Few tiles, many output channels: the split by output channels.
    Case(input: [1, 8, 1, 9, 10], out: 64, padding: .same, relu: true, residual: true),
    // Many tiles: the split by tile rows.
    Case(input: [1, 16, 1, 40, 203], out: 16, padding: .same, relu: true),
    Case(input: [1, 6, 3, 22, 61], out: 20, padding: .symmetric([0, 1, 1]), residual: true),
    // Many samples of small maps (ROI tubes): every sample's tiles in one set of GEMMs, chunks
    // and the split by output channels crossing sample boundaries.
    Case(input: [40, 16, 5, 7, 7], out: 20, padding: .same, relu: true, residual: true),
    Case(input: [70, 3, 3, 4, 4], out: 40, padding: .same, residual: true),
    // Temporal F(4, 3): S3D-G's 10-step maps (TF SAME), whole and partial tiles, other paddings.
    Case(input: [1, 16, 10, 5, 7], out: 24, padding: .same, relu: true, kernel: [3, 1, 1]),
    Case(
      input: [2, 20, 10, 3, 9], out: 16, padding: .symmetric([1, 0, 0]), residual: true, kernel: [3, 1, 1]),
    Case(input: [1, 17, 7, 4, 4], out: 18, padding: .same, relu: true, residual: true, kernel: [3, 1, 1]),
    Case(input: [1, 16, 9, 2, 3], out: 16, padding: .valid, kernel: [3, 1, 1]),
    Case(input: [1, 16, 20, 30, 31], out: 32, padding: .same, relu: true, kernel: [3, 1, 1]),
  ]

  /// Small maps of many samples take the route without forcing it; tiny maps and few tiles do not.
  @Test func sizeRule() {
    let w = Tensor(shape: [32, 32, 1, 3, 3], repeating: 0.1)
    let conv = Convolution(weight: w, padding: .same)
    func pays(_ n: Int, _ t: Int, _ h: Int, _ w: Int) -> Bool {
      conv.winogradPays(conv.geometry([n, 32, t, h, w]))
    }
    #expect(pays(1, 1, 20, 25) && pays(50, 5, 7, 7) && pays(50, 3, 4, 4) && pays(2, 3, 10, 13))
    #expect(!pays(1, 1, 7, 7) && !pays(1, 3, 10, 13) && !pays(50, 5, 2, 2) && !pays(50, 5, 5, 5))
  }

  @Test(arguments: cases)
  func matchesDirectLoop(_ c: Case) {
    var rng = SeededRandom(seed: 91)
    let x = rng.tensor(c.input)
    let w = rng.tensor([c.out, c.input[1]] + c.kernel)
    let b = rng.tensor([c.out])
    let conv = Convolution(weight: w, bias: b, padding: c.padding, activation: c.relu ? .relu : .identity)
    #expect((c.kernel == [1, 3, 3] ? conv.winogradWeights : conv.temporalWinogradWeights) != nil)
    var ref = referenceConv3d(x, weight: w, bias: b.scalars, stride: [1, 1, 1], padding: c.padding)
    let r = rng.tensor(ref.shape)
    if c.residual { ref = ref + r }
    if c.relu { ref = ref.relu() }
    var y = Tensor(shape: ref.shape, repeating: .nan)
    conv.run(x, into: &y, channelOffset: 0, residual: c.residual ? r : nil, forceWinograd: true)
    #expect(maxRelativeError(y, ref) <= Self.tolerance)
  }

  @Test func twoDimensionalKernelMatchesDirectLoop() {
    var rng = SeededRandom(seed: 92)
    let x = rng.tensor([2, 7, 9, 11])
    let w = rng.tensor([3, 7, 3, 3])
    let b = rng.tensor([3])
    let conv = Convolution(weight: w, bias: b, padding: .symmetric([1, 1]), activation: .relu)
    var y = Tensor(shape: [2, 3, 9, 11], repeating: .nan)
    conv.run(x, into: &y, channelOffset: 0, residual: nil, forceWinograd: true)
    let ref = referenceConv3d(
      x.reshaped([2, 7, 1, 9, 11]), weight: w.reshaped([3, 7, 1, 3, 3]), bias: b.scalars, stride: [1, 1, 1],
      padding: .symmetric([0, 1, 1])
    ).relu()
    #expect(maxRelativeError(y, ref.reshaped([2, 3, 9, 11])) <= Self.tolerance)
  }

  @Test func writesIntoChannelSlice() {
    var rng = SeededRandom(seed: 93)
    let x = rng.tensor([2, 5, 2, 10, 7])
    let a = Convolution(weight: rng.tensor([2, 5, 1, 1, 1]), activation: .relu)
    let w = rng.tensor([4, 5, 1, 3, 3])
    let b = Convolution(weight: w, padding: .same)
    var out = Tensor(shape: [2, 6, 2, 10, 7], repeating: .nan)
    a.forward(x, into: &out, channelOffset: 0)
    b.run(x, into: &out, channelOffset: 2, residual: nil, forceWinograd: true)
    let bRef = referenceConv3d(x, weight: w, bias: nil, stride: [1, 1, 1], padding: .same)
    let expected = Tensor.concatenateChannels([a(x), bRef])
    #expect(maxRelativeError(out, expected) <= Self.tolerance)
  }

  @Test func onlyStrideOneThreeByThreeKernelsGetTransformedWeights() {
    var rng = SeededRandom(seed: 94)
    #expect(Convolution(weight: rng.tensor([2, 2, 3, 3])).winogradWeights != nil)
    #expect(Convolution(weight: rng.tensor([2, 2, 3, 3]), stride: [2, 2]).winogradWeights == nil)
    #expect(Convolution(weight: rng.tensor([2, 2, 3, 3, 3])).winogradWeights == nil)
    #expect(Convolution(weight: rng.tensor([2, 2, 1, 5, 5])).winogradWeights == nil)
  }
}
