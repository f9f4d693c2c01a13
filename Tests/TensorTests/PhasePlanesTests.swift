import Testing

@testable import Tensor

/// The phase-plane route of strided 2-D convolutions (``PhasePlanes``: an implicit GEMM over
/// B rows read in place) against the direct loop, with bias, residual and ReLU, on the geometries
/// ResNet-50 and S3D-G have (3×3 stride 2, the 7×7 and 3×7×7 stride-2 stems) and odd ones (odd
/// sizes, unequal strides, padding wider than the stride, several frames, temporal taps reaching
/// past the input, splits by columns and by channels). 1×1 stride-2 convolutions take im2col.
@Suite(
  .enabled(
    if: Compute.ownF32Kernel,
    "the process does not use the own fp32 kernel (no AVX2 with FMA, or TENSOR_F32_KERNEL=openblas)"))
struct PhasePlanesTests {
  typealias Case = ConvolutionTests.Case

  static let cases: [Case] = [
    Case(
      input: [1, 16, 1, 20, 26], out: 24, kernel: [1, 3, 3], stride: [1, 2, 2],
      padding: .symmetric([0, 1, 1])),
    Case(
      input: [1, 3, 1, 64, 90], out: 16, kernel: [1, 7, 7], stride: [1, 2, 2], padding: .symmetric([0, 3, 3])),
    Case(input: [2, 5, 3, 11, 13], out: 9, kernel: [1, 3, 2], stride: [1, 2, 3], padding: .same),
    Case(
      input: [1, 4, 2, 9, 10], out: 20, kernel: [1, 5, 5], stride: [1, 2, 2], padding: .symmetric([0, 4, 1])),
    Case(
      input: [1, 8, 1, 150, 120], out: 16, kernel: [1, 3, 3], stride: [1, 2, 2],
      padding: .symmetric([0, 1, 1])),
    Case(input: [1, 3, 5, 19, 24], out: 16, kernel: [3, 7, 7], stride: [2, 2, 2], padding: .same),
    Case(
      input: [2, 2, 4, 6, 5], out: 3, kernel: [3, 3, 3], stride: [2, 1, 2], padding: .symmetric([1, 1, 1])),
    Case(input: [1, 4, 3, 8, 9], out: 5, kernel: [2, 1, 3], stride: [1, 3, 2], padding: .valid),
  ]

  @Test(arguments: cases)
  func matchesDirectLoop(_ c: Case) {
    check(c, phased: true)
  }

  /// A 1×1 stride-2 window reads one phase once: im2col copies it where each worker multiplies it.
  @Test func pointwiseStrideTwoTakesIm2col() {
    check(
      Case(input: [1, 24, 1, 21, 25], out: 40, kernel: [1, 1, 1], stride: [1, 2, 2], padding: .valid),
      phased: false)
  }

  private func check(_ c: Case, phased: Bool) {
    let (x, conv, ref, generator) = c.layer(seed: 61, activation: .relu)
    var rng = generator
    let shape = conv.outputShape(for: c.input)
    let r = rng.tensor(shape)
    let step = ConvStep(
      g: conv.geometry(c.input), src: x.storage.base, dst: x.storage.base, weight: conv.weight.storage.base,
      taps: nil, outputChannels: c.out,
      epilogue: Epilogue(dst: x.storage.base, plane: 0, channels: 0, bias: nil, residual: nil, relu: false),
      packedWeights: conv.packedWeights)
    #expect(step.phasedRouteApplies() == phased)
    #expect(maxRelativeError(conv(x), ref.relu()) <= ConvolutionTests.tolerance)
    #expect(maxRelativeError(conv(x, residual: r), (ref + r).relu()) <= ConvolutionTests.tolerance)
  }
}
