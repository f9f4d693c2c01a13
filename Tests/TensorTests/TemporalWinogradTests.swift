import Testing

@testable import Tensor

/// The temporal Winograd F(4, 3) route for 3×1×1 kernels against the direct loop, tolerance 1e-5
/// relative (L∞ / max|reference|) as for the other routes.
@Suite(.enabled(if: Winograd.mode != 0, "TENSOR_WINOGRAD=0 builds no transformed weights"))
struct TemporalWinogradTests {
  struct Case: CustomStringConvertible, Sendable {
    var input: [Int]
    var out: Int
    var padding: Padding
    var relu = false
    var residual = false
    var description: String { "in \(input) out \(out) \(padding) relu \(relu) residual \(residual)" }
  }

  static let cases: [Case] = [
    // S3D-G's 10-step maps (TF SAME), whole and partial tiles, symmetric and no padding.
    Case(input: [1, 16, 10, 5, 7], out: 24, padding: .same, relu: true),
    Case(input: [2, 20, 10, 3, 9], out: 16, padding: .symmetric([1, 0, 0]), residual: true),
    Case(input: [1, 17, 7, 4, 4], out: 18, padding: .same, relu: true, residual: true),
    Case(input: [1, 16, 9, 2, 3], out: 16, padding: .valid),
    Case(input: [1, 16, 20, 30, 31], out: 32, padding: .same, relu: true),
  ]

  @Test(arguments: cases)
  func matchesDirectLoop(_ c: Case) {
    var rng = SeededRandom(seed: 94)
    let x = rng.tensor(c.input)
    let w = rng.tensor([c.out, c.input[1], 3, 1, 1])
    let b = rng.tensor([c.out])
    let conv = Convolution(weight: w, bias: b, padding: c.padding, activation: c.relu ? .relu : .identity)
    #expect(conv.temporalWinogradWeights != nil)
    var ref = referenceConv3d(x, weight: w, bias: b.scalars, stride: [1, 1, 1], padding: c.padding)
    let r = rng.tensor(ref.shape)
    if c.residual { ref = ref + r }
    if c.relu { ref = ref.relu() }
    var y = Tensor(shape: ref.shape, repeating: .nan)
    conv.run(x, into: &y, channelOffset: 0, residual: c.residual ? r : nil, forceWinograd: true)
    #expect(maxRelativeError(y, ref) <= WinogradTests.tolerance)
  }

  /// Taken on 10-step maps (3 tiles for 28 direct tap slices), not on 5-step ones (2 tiles for 13).
  @Test func sizeRule() {
    let conv = Convolution(weight: Tensor(shape: [32, 32, 3, 1, 1], repeating: 0.1), padding: .same)
    func pays(_ t: Int) -> Bool {
      TemporalWinograd.pays(conv.geometry([1, 32, t, 4, 4]).t, inputChannels: 32, outputChannels: 32)
    }
    #expect(pays(10) && pays(20) && !pays(5) && !pays(3) && !pays(1))
    let strided = Convolution(weight: Tensor(shape: [32, 32, 3, 1, 1], repeating: 0.1), stride: [2, 1, 1])
    #expect(strided.temporalWinogradWeights == nil)
  }
}
