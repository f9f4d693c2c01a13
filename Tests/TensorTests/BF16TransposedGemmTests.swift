import Foundation
import Testing

@testable import Tensor

/// The bf16 GEMM with transposed operands (the backward passes' `dY · Xᵀ` and `Wᵀ · dY`), and the
/// backward passes following the precision (`train --precision bf16`).
@Suite(.enabled(if: BF16Support.host.isAvailable, "this CPU has no AVX512_BF16 (bf16 GEMM not runnable)"))
struct BF16TransposedGemmTests {
  /// (transposeA, transposeB) of the transposed cases.
  static let transposes: [[Bool]] = [[true, false], [false, true], [true, true]]

  /// `rows`×`columns` (row stride `ld`) stored transposed: `columns`×`rows` with row stride `rows + 2`.
  static func transposed(_ x: [Float], rows: Int, columns: Int, ld: Int) -> (values: [Float], ld: Int) {
    let stride = rows + 2
    var out = [Float](repeating: .nan, count: columns * stride)
    for i in 0..<rows {
      for j in 0..<columns { out[j * stride + i] = x[i * ld + j] }
    }
    return (out, stride)
  }

  /// Transposing while packing gives the non-transposed kernel's result on the same values, bit
  /// for bit (the packed words are the same), for every shape of the plain kernel's tests: edges of
  /// the 8×48 tile, odd k, k past one 256-wide block, n past one 3,072-wide block.
  @Test(arguments: BF16GemmTests.shapes, transposes)
  func transposedOperandsMatchMaterialisedTransposes(shape: [Int], transpose: [Bool]) {
    let o = BF16GemmTests.Operands(shape, seed: 21)
    let plain = o.bf16(beta: 1)
    let a = transpose[0] ? Self.transposed(o.a, rows: o.m, columns: o.k, ld: o.lda) : (o.a, o.lda)
    let b = transpose[1] ? Self.transposed(o.b, rows: o.k, columns: o.n, ld: o.ldb) : (o.b, o.ldb)
    var got = o.c
    a.0.withUnsafeBufferPointer { pa in
      b.0.withUnsafeBufferPointer { pb in
        Compute.withThreadCount(1, precision: .bf16) {
          Compute.serialGemm(
            m: o.m, n: o.n, k: o.k, a: pa.baseAddress!, lda: a.1, transposeA: transpose[0],
            b: pb.baseAddress!, ldb: b.1, transposeB: transpose[1], beta: 1, c: &got, ldc: o.ldc)
        }
      }
    }
    #expect(got == plain)
  }

  /// Under fp32 the transposed GEMM is still OpenBLAS `sgemm` (the bf16 result differs from it).
  @Test func fp32StaysSgemm() {
    let o = BF16GemmTests.Operands([33, 97, 301], seed: 22)
    let a = Self.transposed(o.a, rows: o.m, columns: o.k, ld: o.lda)
    let run = { (precision: ComputePrecision) -> [Float] in
      var c = o.c
      a.values.withUnsafeBufferPointer { pa in
        Compute.withThreadCount(1, precision: precision) {
          Compute.serialGemm(
            m: o.m, n: o.n, k: o.k, a: pa.baseAddress!, lda: a.ld, transposeA: true, b: o.b, ldb: o.ldb,
            transposeB: false, beta: 1, c: &c, ldc: o.ldc)
        }
      }
      return c
    }
    #expect(o.worstError(run(.fp32), beta: 1, round: { $0 }, scale: Double(o.k + 2) * 0x1p-24) <= 1)
    #expect(run(.fp32) != run(.bf16))
  }

  /// A convolution's backward under bf16 moves dL/dW and dL/dx off fp32 (by more than 1e-6 of the
  /// largest value) and stays within the forward's tolerances: operand rounding 2⁻⁹ each on the
  /// direct routes (1e-2), the Winograd transforms' amplification on theirs (0.15; temporal 3e-2).
  /// The cases cover dL/dx through the flipped kernel's forward (pointwise, Winograd, im2col), the
  /// per-tap `W_tᵀ · dY` route (temporal stride) and the `Wᵀ · dY` + col2im route (spatial stride),
  /// and dL/dW's direct and Winograd-domain GEMMs.
  @Test(arguments: BF16GemmTests.convCases)
  func convolutionBackwardFollowsThePrecision(_ c: BF16GemmTests.ConvCase) throws {
    var rng = SeededRandom(seed: 23)
    let x = rng.tensor(c.input)
    let conv = Convolution(
      weight: rng.tensor([c.out, c.input[1]] + c.kernel), bias: rng.tensor([c.out]), stride: c.stride,
      padding: .same, activation: .identity)
    let dy = rng.tensor(conv(x).shape)
    let fp32 = conv.backward(input: x, outputGradient: dy)
    let bf16 = try Compute.withPrecision(.bf16) { conv.backward(input: x, outputGradient: dy) }
    for (name, got, reference) in [
      ("dW", bf16.weight, fp32.weight), ("dx", bf16.input!, fp32.input!),
    ] {
      let error = maxRelativeError(got, reference)
      if c.winograd && !Compute.bf16Winograd {
        #expect(error < c.tolerance, "\(name) bf16 vs fp32: \(error)")
      } else {
        #expect(error > 1e-6 && error < c.tolerance, "\(name) bf16 vs fp32: \(error)")
      }
    }
    #expect(bf16.bias?.scalars == fp32.bias?.scalars)  // sums, no GEMM
  }
}
