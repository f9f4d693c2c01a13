import Foundation
import Testing

@testable import Tensor

/// The bf16 GEMM (``Compute/bf16Gemm``) and the precision setting.
///
/// Tolerances, per output element, with `S = Σ_k |a·b|` over the products of that element (plus
/// `|beta·c|`):
/// - against an fp64 reference of the bf16-rounded inputs, `(k + 2) · 2⁻²⁴ · S`: products of bf16
///   numbers are exact in fp32, so the only error is fp32 accumulation (the worst-case bound of k
///   rounded additions, plus beta's);
/// - against OpenBLAS fp32 `sgemm` on the unrounded inputs, `2⁻⁸ · S`: each operand is off by at
///   most 2⁻⁹ relative, so each product by at most 2⁻⁸ + 2⁻¹⁸ (accumulation adds ~k·2⁻²⁴ more,
///   within the slack for these k).
/// Shapes are not multiples of the 8×48 tile and k is odd or smaller than a pair, so packing's
/// zero padding and the masked edges are exercised; strides exceed the widths.
@Suite(.enabled(if: BF16Support.host.isAvailable, "this CPU has no AVX512_BF16 (bf16 GEMM not runnable)"))
struct BF16GemmTests {
  /// (m, n, k) of the cases.
  static let shapes: [[Int]] = [
    [1, 1, 1], [7, 5, 3], [9, 49, 2], [13, 50, 17], [8, 48, 256], [33, 97, 301], [70, 130, 513],
    [200, 3100, 40], [17, 3081, 9],
  ]

  /// A GEMM case: operands with padded row strides and C's prior contents.
  struct Operands {
    let m: Int
    let n: Int
    let k: Int
    let lda: Int
    let ldb: Int
    let ldc: Int
    var a: [Float]
    var b: [Float]
    var c: [Float]

    init(_ shape: [Int], seed: UInt64) {
      (m, n, k) = (shape[0], shape[1], shape[2])
      (lda, ldb, ldc) = (k + 3, n + 5, n + 2)
      var rng = SeededRandom(seed: seed)
      a = (0..<(m * lda)).map { _ in rng.next() }
      b = (0..<(k * ldb)).map { _ in rng.next() }
      c = (0..<(m * ldc)).map { _ in rng.next() }
    }

    /// `C = A · B + beta · C` through `gemm`, on a copy of C.
    func run(
      beta: Float,
      _ gemm: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> [Float] {
      var out = c
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          out.withUnsafeMutableBufferPointer { gemm(a.baseAddress!, b.baseAddress!, $0.baseAddress!) }
        }
      }
      return out
    }

    /// Largest `|got - reference| / bound` over the m×n elements (1 or less passes), with the
    /// reference `Σ round(a)·round(b) + beta·c` in fp64 and `bound = scale(k) · (Σ|a·b| + |beta·c|)`.
    func worstError(
      _ got: [Float], beta: Float, round: (Float) -> Float, scale: Double
    ) -> Double {
      GemmReference.worstError(
        m: m, n: n, k: k, beta: beta, scale: scale, got: { got[$0 * ldc + $1] }, c: { c[$0 * ldc + $1] },
        product: { i, j, p in Double(round(a[i * lda + p])) * Double(round(b[p * ldb + j])) })
    }

    /// The bf16 kernel's result.
    func bf16(beta: Float) -> [Float] {
      run(beta: beta) { a, b, c in
        Compute.bf16Gemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
      }
    }
  }

  /// `x` rounded to bfloat16, round to nearest even (as `vcvtne2ps2bf16` rounds; no NaNs here).
  static func roundedToBF16(_ x: Float) -> Float {
    let bits = x.bitPattern
    return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
  }

  @Test(arguments: shapes, [Float(0), 1])
  func matchesFP64ReferenceOfRoundedInputs(shape: [Int], beta: Float) {
    let o = Operands(shape, seed: 7)
    let got = o.bf16(beta: beta)
    let error = o.worstError(got, beta: beta, round: Self.roundedToBF16, scale: Double(o.k + 2) * 0x1p-24)
    #expect(error <= 1, "error \(error) of the fp32-accumulation bound")
    // Outside the m×n window (the strides' padding) C is untouched.
    for i in 0..<o.m {
      #expect(got[(i * o.ldc + o.n)..<((i + 1) * o.ldc)] == o.c[(i * o.ldc + o.n)..<((i + 1) * o.ldc)])
    }
  }

  @Test(arguments: shapes)
  func matchesFP32SgemmWithinRounding(shape: [Int]) {
    let o = Operands(shape, seed: 8)
    let sgemm = o.run(beta: 1) { a, b, c in
      Compute.withThreadCount(1, precision: .fp32) {
        Compute.serialGemm(
          m: o.m, n: o.n, k: o.k, a: a, lda: o.lda, b: b, ldb: o.ldb, beta: 1, c: c, ldc: o.ldc)
      }
    }
    let bf16 = o.bf16(beta: 1)
    // sgemm's own rounding is within the slack; compare the two against the exact fp32 product.
    #expect(o.worstError(sgemm, beta: 1, round: { $0 }, scale: Double(o.k + 2) * 0x1p-24) <= 1)
    #expect(o.worstError(bf16, beta: 1, round: { $0 }, scale: 0x1p-8) <= 1)
  }

  /// beta 0 never reads C (NaN there stays out of the result).
  @Test func betaZeroIgnoresPriorContents() {
    var o = Operands([19, 70, 33], seed: 9)
    o.c = [Float](repeating: .nan, count: o.c.count)
    let got = o.bf16(beta: 0)
    for i in 0..<o.m { #expect(got[(i * o.ldc)..<(i * o.ldc + o.n)].allSatisfy { $0.isFinite }) }
  }

  /// A convolution case: input shape, output channels, kernel, stride, and the tolerance of bf16
  /// against fp32 (L∞ relative to the largest output).
  struct ConvCase: Sendable, CustomStringConvertible {
    var input: [Int]
    var out: Int
    var kernel: [Int]
    var stride = [1, 1, 1]
    var tolerance: Float
    /// Whether the case takes a Winograd route.
    var winograd = false
    var description: String { "in \(input) out \(out) k \(kernel) s \(stride)" }
  }

  /// Direct routes: operand rounding of 2⁻⁹ each, measured 0.20–0.23 %: 1e-2. Winograd F(4×4, 3×3):
  /// its output transform multiplies by up to 8 per axis, measured 6.3–7.8 % on these random
  /// layers: 0.15. Temporal F(4, 3): measured 1.0–1.3 %: 0.03. (`TENSOR_BF16_WINOGRAD=0` keeps the
  /// Winograd GEMMs fp32: those cases then equal fp32 exactly.)
  static let convCases: [ConvCase] = [
    // Pointwise.
    ConvCase(input: [1, 16, 4, 9, 70], out: 40, kernel: [1, 1, 1], tolerance: 1e-2),
    // Temporal Winograd, then the direct temporal route (stride 2).
    ConvCase(input: [1, 16, 6, 5, 7], out: 24, kernel: [3, 1, 1], tolerance: 3e-2, winograd: true),
    ConvCase(input: [1, 16, 10, 5, 7], out: 24, kernel: [3, 1, 1], tolerance: 3e-2, winograd: true),
    ConvCase(input: [1, 16, 6, 5, 7], out: 24, kernel: [3, 1, 1], stride: [2, 1, 1], tolerance: 1e-2),
    // im2col, split by columns, then by channels.
    ConvCase(input: [1, 8, 3, 17, 23], out: 40, kernel: [1, 3, 3], stride: [1, 2, 2], tolerance: 1e-2),
    ConvCase(input: [1, 3, 4, 30, 40], out: 64, kernel: [3, 7, 7], stride: [2, 2, 2], tolerance: 1e-2),
    // Winograd F(4×4, 3×3), one map, then many samples batched.
    ConvCase(input: [1, 16, 2, 20, 25], out: 32, kernel: [1, 3, 3], tolerance: 0.15, winograd: true),
    ConvCase(input: [30, 16, 3, 7, 7], out: 20, kernel: [1, 3, 3], tolerance: 0.15, winograd: true),
  ]

  /// Under `withPrecision(.bf16)` every convolution route (pointwise, temporal, im2col, Winograd,
  /// temporal Winograd; split by columns and by channels) takes the bf16 kernel: results move off
  /// fp32 (by more than 1e-6 of the largest output), within the case's tolerance.
  @Test(arguments: convCases)
  func convolutionsFollowThePrecision(_ c: ConvCase) throws {
    var rng = SeededRandom(seed: 10)
    let x = rng.tensor(c.input)
    let conv = Convolution(
      weight: rng.tensor([c.out, c.input[1]] + c.kernel), bias: rng.tensor([c.out]), stride: c.stride,
      padding: .same, activation: .relu)
    let fp32 = conv(x)
    let bf16 = try Compute.withPrecision(.bf16) { conv(x) }
    let error = maxRelativeError(bf16, fp32)
    if c.winograd && !Compute.bf16Winograd {
      #expect(error == 0, "bf16 vs fp32: \(error)")
    } else {
      #expect(error > 1e-6 && error < c.tolerance, "bf16 vs fp32: \(error)")
    }
  }

  /// A weight matrix packed once (`PackedOperand`) gives the same result, bit for bit, as packing it
  /// on every call, for row ranges on a panel boundary and (through the fallback) off it.
  @Test(arguments: [0, 8, 24, 3])
  func prepackedWeightsMatchPerCallPacking(rowOffset: Int) {
    let (rows, m, n, k) = (70, 40, 97, 301)
    var rng = SeededRandom(seed: 12)
    let a = (0..<(rows * k)).map { _ in rng.next() }
    let b = (0..<(k * n)).map { _ in rng.next() }
    var perCall = [Float](repeating: 0.5, count: m * n)
    var prepacked = perCall
    let weights = PackedWeights()
    a.withUnsafeBufferPointer { a in
      Compute.bf16Gemm(
        m: m, n: n, k: k, a: a.baseAddress! + rowOffset * k, lda: k, b: b, ldb: n, beta: 1, c: &perCall,
        ldc: n)
      let operand = PackedOperand(
        weights: weights, index: 0, source: a.baseAddress!, rows: rows, rowOffset: rowOffset)
      Compute.bf16Gemm(m: m, n: n, k: k, operand: operand, b: b, ldb: n, beta: 1, c: &prepacked, ldc: n)
    }
    #expect(perCall == prepacked)
    #expect(weights.count(.bf16) == (rowOffset % 8 == 0 ? 1 : 0))
  }

  /// A layer packs its weight matrices on its first bf16 call and reuses them (same output again).
  @Test func convolutionPacksItsWeightsOnce() throws {
    var rng = SeededRandom(seed: 13)
    let x = rng.tensor([1, 16, 2, 20, 25])
    let conv = Convolution(weight: rng.tensor([32, 16, 1, 3, 3]), padding: .same)
    let first = try Compute.withPrecision(.bf16) { conv(x) }
    let packed = conv.packedWeights.count(.bf16)
    let second = try Compute.withPrecision(.bf16) { conv(x) }
    #expect(first.scalars == second.scalars)
    #expect(packed == (Compute.bf16Winograd ? 36 : 0) && conv.packedWeights.count(.bf16) == packed)
    _ = conv(x)  // fp32 adds no bf16 matrix
    #expect(conv.packedWeights.count(.bf16) == packed)
  }

  /// `Compute.gemm` (split between threads) follows the precision too.
  @Test func publicGemmFollowsThePrecision() throws {
    let o = Operands([150, 700, 77], seed: 11)
    let call = { (a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) in
      Compute.withThreadCount(2) {
        Compute.gemm(m: o.m, n: o.n, k: o.k, a: a, lda: o.lda, b: b, ldb: o.ldb, c: c, ldc: o.ldc)
      }
    }
    let bf16 = try Compute.withPrecision(.bf16) { o.run(beta: 0, call) }
    #expect(bf16 == o.bf16(beta: 0))
  }
}

/// The refusal on a CPU without AVX512_BF16 (support injected, so it runs on any machine).
@Suite struct BF16RefusalTests {
  static let noBF16 = BF16Support(
    isAvailable: false, cpu: "Test CPU (avx512f yes, avx512bw yes, avx512vl yes, avx512_bf16 no)")

  @Test func setPrecisionRefusesWithOneLine() {
    let before = Compute.precision
    #expect(throws: ComputePrecisionError.self) { try Compute.setPrecision(.bf16, support: Self.noBF16) }
    do {
      try Compute.setPrecision(.bf16, support: Self.noBF16)
    } catch {
      #expect(
        "\(error)"
          == "bf16 needs a CPU with AVX512_BF16 (this CPU: Test CPU (avx512f yes, avx512bw yes, avx512vl yes, avx512_bf16 no))"
      )
    }
    #expect(Compute.precision == before)
  }

  @Test func withPrecisionRefusesBeforeRunning() {
    var ran = false
    #expect(throws: ComputePrecisionError.self) {
      try Compute.withPrecision(.bf16, support: Self.noBF16) { ran = true }
    }
    #expect(!ran)
    // fp32 needs nothing.
    #expect(throws: Never.self) { try Compute.withPrecision(.fp32, support: Self.noBF16) {} }
  }

  /// The host's description names the flags (what the refusal prints on this machine).
  @Test func hostDescriptionNamesTheFlag() {
    #expect(BF16Support.host.cpu.contains("avx512_bf16 \(BF16Support.host.isAvailable ? "yes" : "no")"))
  }

  /// The bf16-over-fp32 rate is measured where the CPU has the instruction (0 elsewhere), within
  /// the range the instruction's issue rates allow (~0.5 on Intel's Emerald Rapids,
  /// ~2 on Zen 4 and Zen 5; a loaded machine moves it, not past these bounds).
  @Test func hostDotRateIsMeasuredWhereBF16Runs() {
    let rate = BF16Support.hostDotRateOverFMA
    if BF16Support.host.isAvailable {
      #expect(rate > 0.2 && rate < 5, "rate \(rate)")
    } else {
      #expect(rate == 0)
    }
  }

  /// The note names the measured rate below 1 and says nothing at or above it.
  @Test func slowerThanFP32NoteOnlyBelowOne() {
    let note = BF16Support.slowerThanFP32Note(rate: 0.4612)
    #expect(note?.hasPrefix("note: --precision bf16 is slower than fp32 on this CPU") == true)
    #expect(note?.contains(" 0.46× ") == true)
    #expect(BF16Support.slowerThanFP32Note(rate: 1.97) == nil)
    #expect(BF16Support.slowerThanFP32Note(rate: 0) == nil)
  }
}
