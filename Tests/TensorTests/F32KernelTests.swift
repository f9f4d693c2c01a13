import Testing

@testable import Tensor

/// The package's own fp32 GEMM (``Compute/f32Gemm(m:n:k:operand:b:ldb:beta:c:ldc:finish:level:)``:
/// A pre-packed, B read in place), which the forward convolutions use on AVX-512 and AVX2 CPUs
/// (``Compute/ownF32Kernel``); both builds are tested wherever the CPU runs them.
///
/// Tolerance per output element, against an fp64 reference: `(k + 2) · 2⁻²⁴ · S` with
/// `S = Σ_k |a·b| + |beta·c|`, the worst case of k rounded fp32 additions (as for `sgemm`). Shapes
/// are not multiples of the 8×48 (AVX-512) or 4×24 (AVX2) tile, k crosses the 256-wide blocks, A's rows start past row 0 of
/// the packed matrix, and strides exceed the widths.
/// The kernel's builds this CPU runs (1 AVX2, 2 AVX-512), each tested whichever the process uses.
let f32KernelLevels = [1, 2].filter { Compute.f32KernelRuns(level: $0) }

@Suite(.enabled(if: !f32KernelLevels.isEmpty, "this CPU has neither AVX-512F nor AVX2 with FMA"))
struct F32KernelTests {
  /// A case: the whole weight matrix (`rows` × k, contiguous), B and C with padded strides.
  struct Case {
    let (m, n, k, rowOffset): (Int, Int, Int, Int)
    let rows: Int
    let (ldb, ldc): (Int, Int)
    let a: [Float]
    let b: [Float]
    var c: [Float]

    init(m: Int, n: Int, k: Int, rowOffset: Int, seed: UInt64) {
      (self.m, self.n, self.k, self.rowOffset) = (m, n, k, rowOffset)
      rows = rowOffset + m + 3
      (ldb, ldc) = (n + 5, n + 2)
      var rng = SeededRandom(seed: seed)
      a = (0..<(rows * k)).map { _ in rng.next() }
      b = (0..<(k * ldb)).map { _ in rng.next() }
      c = (0..<(m * ldc)).map { _ in rng.next() }
    }

    /// The kernel's `C = A[rowOffset + rowRange] · B[:, columns] + beta · C` on a copy of C, rows
    /// and columns in the given parts (each a separate call), on the build for `level`.
    func run(
      beta: Float, rowParts: [Range<Int>]? = nil, columnParts: [Range<Int>]? = nil, level: Int
    ) -> [Float] {
      var out = c
      let weights = PackedWeights()
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          out.withUnsafeMutableBufferPointer { out in
            for rowPart in rowParts ?? [0..<m] {
              for columns in columnParts ?? [0..<n] {
                let operand = PackedOperand(
                  weights: weights, index: 0, source: a.baseAddress!, rows: rows,
                  rowOffset: rowOffset + rowPart.lowerBound)
                Compute.f32Gemm(
                  m: rowPart.count, n: columns.count, k: k, operand: operand,
                  b: b.baseAddress! + columns.lowerBound,
                  ldb: ldb, beta: beta, c: out.baseAddress! + rowPart.lowerBound * ldc + columns.lowerBound,
                  ldc: ldc, level: level)
              }
            }
          }
        }
      }
      #expect(weights.count(.fp32) == 1)
      return out
    }

    /// Largest `|got − reference| / bound` over the m×n elements (1 or less passes).
    func worstError(_ got: [Float], beta: Float) -> Double {
      GemmReference.worstError(
        m: m, n: n, k: k, beta: beta, scale: Double(k + 2) * 0x1p-24, got: { got[$0 * ldc + $1] },
        c: { c[$0 * ldc + $1] },
        product: { i, j, p in Double(a[(rowOffset + i) * k + p]) * Double(b[p * ldb + j]) })
    }
  }

  /// (m, n, k, first row) of the cases. The 1040-row one has an A block past 256 KB: the kernels
  /// then run each row tile past every B tile of a block instead of each B tile past every row tile.
  static let shapes: [[Int]] = [
    [1, 1, 1, 0], [7, 5, 3, 8], [9, 49, 2, 0], [13, 50, 17, 16], [8, 48, 256, 0], [33, 97, 301, 24],
    [70, 130, 513, 8], [64, 500, 1024, 0], [17, 1009, 9, 0], [1040, 30, 300, 0],
  ]

  @Test(arguments: shapes, [Float(0), 1, 0.5])
  func matchesFP64Reference(shape: [Int], beta: Float) {
    let o = Case(m: shape[0], n: shape[1], k: shape[2], rowOffset: shape[3], seed: 21)
    for level in f32KernelLevels {
      let got = o.run(beta: beta, level: level)
      let error = o.worstError(got, beta: beta)
      #expect(error <= 1, "build \(level): error \(error) of the fp32-accumulation bound")
      // Outside the m×n window (the strides' padding) C is untouched.
      for i in 0..<o.m {
        #expect(got[(i * o.ldc + o.n)..<((i + 1) * o.ldc)] == o.c[(i * o.ldc + o.n)..<((i + 1) * o.ldc)])
      }
    }
  }

  /// beta 0 never reads C: NaNs there do not reach the result.
  @Test func betaZeroIgnoresC() {
    let o = Case(m: 9, n: 50, k: 20, rowOffset: 0, seed: 22)
    let nanC = Case(m: 9, n: 50, k: 20, rowOffset: 0, seed: 22)
    var poisoned = nanC.c
    for i in poisoned.indices { poisoned[i] = .nan }
    for level in f32KernelLevels {
      let clean = o.run(beta: 0, level: level)
      let fromNaN = Case(copying: nanC, c: poisoned).run(beta: 0, level: level)
      for i in 0..<o.m {
        #expect(
          Array(fromNaN[(i * o.ldc)..<(i * o.ldc + o.n)]) == Array(clean[(i * o.ldc)..<(i * o.ldc + o.n)]))
      }
    }
  }

  /// Any split of rows (on 8-row panels) or of columns between calls gives the same bits as one call,
  /// as the threads of `Compute.gemm` and the convolution routes split them.
  @Test func resultDoesNotDependOnTheSplit() {
    let o = Case(m: 70, n: 530, k: 513, rowOffset: 8, seed: 23)
    for level in f32KernelLevels {
      let whole = o.run(beta: 1, level: level)
      #expect(o.run(beta: 1, rowParts: [0..<32, 32..<70], level: level) == whole)
      #expect(o.run(beta: 1, columnParts: [0..<61, 61..<300, 300..<530], level: level) == whole)
    }
  }

  /// The AVX2 build gives the bits of the AVX-512 build, on CPUs that run both: the same products in
  /// the same order, on 4×24 tiles with B packed per block instead of 8×48 tiles reading B in place.
  /// The last tiles of the AVX-512 build's rows have 2 (530 = 480 + 48 + 2), 30, 2, 38, 12, 20
  /// (500 = 480 + 20) and 45 columns: its narrow tiles multiply 1, 2 or all 3 vectors of B, the
  /// last on half vectors when it holds at most 8 of them.
  @Test(
    .enabled(if: f32KernelLevels == [1, 2], "this CPU does not run both builds"),
    arguments: [
      [70, 530, 513, 8], [1040, 30, 300, 0], [13, 50, 17, 16], [13, 86, 17, 16], [9, 60, 33, 0],
      [9, 500, 33, 0], [9, 93, 33, 0],
    ],
    [Float(0), 1, 0.5])
  func avx2BuildGivesTheBitsOfTheAVX512Build(shape: [Int], beta: Float) {
    let o = Case(m: shape[0], n: shape[1], k: shape[2], rowOffset: shape[3], seed: 27)
    let avx2 = o.run(beta: beta, level: 1)
    let avx512 = o.run(beta: beta, level: 2)
    #expect(avx2.map(\.bitPattern) == avx512.map(\.bitPattern))
  }

  /// The epilogue fused into the kernel's stores (bias, residual, ReLU) gives the same bits as the
  /// GEMM followed by the separate pass, on a part of C whose rows and columns start past 0, in fp32
  /// and (where the CPU has it) bf16.
  @Test func fusedEpilogueEqualsTheSeparatePass() {
    let o = Case(m: 30, n: 101, k: 300, rowOffset: 8, seed: 25)
    var rng = SeededRandom(seed: 26)
    let bias = (0..<o.m).map { _ in rng.next() }
    let residual = (0..<(o.m * o.ldc)).map { _ in rng.next() }
    let (rows, columns) = (8..<30, 3..<101)
    // fp32 on each build (`level`), bf16 (level ignored) where the CPU has it.
    let runs: [(ComputePrecision, Int)] =
      f32KernelLevels.map { (.fp32, $0) } + (BF16Support.host.isAvailable ? [(.bf16, 0)] : [])
    for (precision, level) in runs {
      for (withBias, withResidual, relu) in [(true, true, true), (true, false, true), (false, true, false)] {
        var results: [[Float]] = []
        for fused in [false, true] {
          var out = o.c
          let weights = PackedWeights()
          o.a.withUnsafeBufferPointer { a in
            o.b.withUnsafeBufferPointer { b in
              bias.withUnsafeBufferPointer { bias in
                residual.withUnsafeBufferPointer { residual in
                  out.withUnsafeMutableBufferPointer { out in
                    let epilogue = Epilogue(
                      dst: out.baseAddress!, plane: o.ldc, channels: o.m,
                      bias: withBias ? UnsafeMutablePointer(mutating: bias.baseAddress!) : nil,
                      residual: withResidual ? residual.baseAddress! : nil, relu: relu)
                    let region = EpilogueRegion(epilogue: epilogue, rows: rows, columns: columns)
                    let operand = PackedOperand(
                      weights: weights, index: 0, source: a.baseAddress!, rows: o.rows,
                      rowOffset: o.rowOffset + rows.lowerBound)
                    let (bPart, cPart) = (
                      b.baseAddress! + columns.lowerBound,
                      out.baseAddress! + rows.lowerBound * o.ldc + columns.lowerBound
                    )
                    if precision == .bf16 {
                      Compute.bf16Gemm(
                        m: rows.count, n: columns.count, k: o.k, operand: operand, b: bPart, ldb: o.ldb,
                        beta: 0.5,
                        c: cPart, ldc: o.ldc, finish: fused ? region : nil)
                    } else {
                      Compute.f32Gemm(
                        m: rows.count, n: columns.count, k: o.k, operand: operand, b: bPart, ldb: o.ldb,
                        beta: 0.5,
                        c: cPart, ldc: o.ldc, finish: fused ? region : nil, level: level)
                    }
                    if !fused { region.apply() }
                  }
                }
              }
            }
          }
          results.append(out)
        }
        let sameBits = results[0].map(\.bitPattern) == results[1].map(\.bitPattern)
        #expect(sameBits, "\(precision) \(level) bias \(withBias) residual \(withResidual) relu \(relu)")
        #expect(results[0] != o.c)
      }
    }
  }

  /// A convolution packs its fp32 weight matrix once and gives the same output on every call.
  @Test(
    .enabled(
      if: Compute.ownF32Kernel,
      "the process does not use the kernel (no AVX2 with FMA, or TENSOR_F32_KERNEL=openblas)"))
  func convolutionPacksItsFP32WeightsOnce() {
    var rng = SeededRandom(seed: 24)
    let x = rng.tensor([1, 24, 2, 9, 11])
    let pointwise = Convolution(weight: rng.tensor([40, 24, 1, 1, 1]))
    let strided = Convolution(weight: rng.tensor([40, 24, 1, 3, 3]), stride: [1, 2, 2], padding: .same)
    for conv in [pointwise, strided] {
      let first = conv(x)
      #expect(conv.packedWeights.count(.fp32) == 1)
      #expect(conv(x).scalars == first.scalars)
      #expect(conv.packedWeights.count(.fp32) == 1)
    }
  }
}

extension F32KernelTests.Case {
  /// `other` with C replaced.
  init(copying other: Self, c: [Float]) {
    self = other
    self.c = c
  }
}
