import CKernelsBF16
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Packed copies of a convolution's weight matrices (the A operands of its forward GEMMs), packed
/// on first use in the GEMM's precision and shared by copies of the layer, so the GEMMs need not
/// re-pack (and, under bf16, convert) the same weights on every call: 5 % of a bf16 keyframe, and
/// with the fp32 kernel of ``Compute/ownF32Kernel`` the whole packing cost of the weights. Valid
/// because a layer's weights never change after construction (as for its Winograd weights).
///
/// Matrices are keyed by an index the layer's routes choose (``ConvStep/PackedIndex``) and by precision.
final class PackedWeights: Sendable {
  /// Packed matrices by index and precision.
  private let matrices = Mutex<[Key: PackedMatrix]>([:])

  /// A matrix's key.
  private struct Key: Hashable {
    let index: Int
    let precision: ComputePrecision
  }

  /// An empty set.
  init() {}

  /// Matrices packed so far in `precision`.
  func count(_ precision: ComputePrecision) -> Int {
    matrices.withLock { $0.keys.filter { $0.precision == precision }.count }
  }

  /// Matrix `index` (`rows` × `k`, row stride `k`, at `source`) packed for `precision`, built on
  /// first use.
  func matrix(
    _ index: Int, precision: ComputePrecision, rows: Int, k: Int, source: UnsafePointer<Float>
  ) -> PackedMatrix {
    let key = Key(index: index, precision: precision)
    if let hit = matrices.withLock({ $0[key] }) { return hit }
    let made = PackedMatrix(precision: precision, rows: rows, k: k, source: source)
    return matrices.withLock { all in
      if let existing = all[key] { return existing }
      all[key] = made
      return made
    }
  }
}

/// One weight matrix in a kernel's packed layout: bf16 pairs (`ckbf16_pack_a`) or fp32 panels
/// (`ckf32_pack_a`).
final class PackedMatrix: @unchecked Sendable {
  /// Rows of the whole matrix.
  let rows: Int
  /// Columns (the GEMM's k).
  let k: Int
  /// The packed 32-bit words (bf16 pairs or fp32 values); owned, immutable after `init`.
  let words: UnsafeMutableRawPointer

  /// Packs `rows` × `k` floats at `source` (row stride `k`). bf16 only where bf16 runs.
  init(precision: ComputePrecision, rows: Int, k: Int, source: UnsafePointer<Float>) {
    self.rows = rows
    self.k = k
    switch precision {
    case .bf16:
      let count = ckbf16_packed_a_words(rows, k)
      let out = UnsafeMutablePointer<UInt32>.allocate(capacity: max(count, 1))
      ckbf16_pack_a(rows, k, source, k, out)
      words = UnsafeMutableRawPointer(out)
    case .fp32:
      let count = ckf32_packed_a_floats(rows, k)
      let out = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
      ckf32_pack_a(rows, k, source, k, out)
      words = UnsafeMutableRawPointer(out)
    }
  }

  deinit { words.deallocate() }
}

/// A GEMM's A operand as rows `rowOffset…` of a layer's weight matrix `index` (`rows` × `k`, row
/// stride `k`, at `source`): the bf16 route and the fp32 kernel take it pre-packed from `weights`.
struct PackedOperand {
  /// The layer's packed copies.
  let weights: PackedWeights
  /// Which of the layer's matrices.
  let index: Int
  /// The whole matrix (row 0).
  let source: UnsafePointer<Float>
  /// Rows of the whole matrix.
  let rows: Int
  /// First row the GEMM uses.
  let rowOffset: Int

  /// Whether the packed copy can serve rows `rowOffset ..< rowOffset + m` (they start on a panel).
  func covers(rows m: Int) -> Bool { rowOffset % 8 == 0 && rowOffset + m <= rows }

  /// The whole matrix (k columns) packed for `precision`, packed now if it is the first use.
  func matrix(_ precision: ComputePrecision, k: Int) -> PackedMatrix {
    weights.matrix(index, precision: precision, rows: rows, k: k, source: source)
  }
}

extension Compute {
  /// `bf16Gemm` with A from `operand`'s packed copy (same result, bit for bit), when its rows start
  /// on a panel boundary; else `bf16Gemm` on the unpacked rows. `finish` is applied either way
  /// (fused into the kernel's stores when A is packed).
  static func bf16Gemm(
    m: Int, n: Int, k: Int, operand: PackedOperand, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, finish: EpilogueRegion? = nil
  ) {
    guard operand.covers(rows: m) else {
      bf16Gemm(
        m: m, n: n, k: k, a: operand.source + operand.rowOffset * k, lda: k, b: b, ldb: ldb, beta: beta, c: c,
        ldc: ldc)
      finish?.apply()
      return
    }
    if !BF16Support.host.isAvailable { fatalError("bf16 GEMM on a CPU without AVX512_BF16") }
    let matrix = operand.matrix(.bf16, k: k)
    let words = matrix.words.assumingMemoryBound(to: UInt32.self)
    withKernelForm(finish) {
      ckbf16_gemm_packed_a_epilogue(m, n, k, words, matrix.rows, operand.rowOffset, b, ldb, beta, c, ldc, $0)
    }
    withExtendedLifetime(matrix) {}
  }

  /// fp32 `C = A · B + beta · C` with A from `operand`'s packed copy and B read in place, on the
  /// calling thread (``ownF32Kernel``'s build, or with `level` 1 or 2 the AVX2 or AVX-512 build,
  /// which the CPU must run: ``f32KernelRuns(level:)``), `finish` fused into the kernel's stores;
  /// callers check ``ownF32Kernel`` (or the level) and `operand.covers(rows: m)` first.
  static func f32Gemm(
    m: Int, n: Int, k: Int, operand: PackedOperand, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, finish: EpilogueRegion? = nil, level: Int? = nil
  ) {
    // Not a precondition: those vanish under -Ounchecked, and this one guards an illegal instruction.
    if level.map({ !f32KernelRuns(level: $0) }) ?? !ownF32Kernel {
      fatalError("fp32 GEMM without ownF32Kernel, or on a kernel build this CPU cannot run")
    }
    let matrix = operand.matrix(.fp32, k: k)
    let floats = matrix.words.assumingMemoryBound(to: Float.self)
    withKernelForm(finish) {
      if let level {
        ckf32_gemm_packed_a_epilogue_on(
          Int32(level), m, n, k, floats, matrix.rows, operand.rowOffset, b, ldb, beta, c, ldc, $0)
      } else {
        ckf32_gemm_packed_a_epilogue(
          m, n, k, floats, matrix.rows, operand.rowOffset, b, ldb, beta, c, ldc, $0)
      }
    }
    withExtendedLifetime(matrix) {}
  }

  /// fp32 `C = A · B` with A from `operand`'s packed copy and row p of B (n floats) at `bRows[p]`
  /// (``ownF32Kernel``'s kernel, on the calling thread; the phase-plane convolution route), `finish`
  /// fused into the kernel's stores. With `grid` (`width` > `outputWidth`), C's columns are grid
  /// columns: column j is element `(j / width) · outputWidth + j % width` of a row of C, dropped when
  /// `j % width ≥ outputWidth` (`finish`'s columns count C's elements).
  static func f32Gemm(
    m: Int, n: Int, k: Int, operand: PackedOperand, bRows: [UnsafePointer<Float>?],
    c: UnsafeMutablePointer<Float>, ldc: Int, grid: (width: Int, outputWidth: Int)? = nil,
    finish: EpilogueRegion? = nil
  ) {
    if !ownF32Kernel || !operand.covers(rows: m) || bRows.count != k
      || grid.map({ $0.outputWidth > $0.width }) == true
    {
      fatalError(
        "fp32 row-pointer GEMM without ownF32Kernel, on rows off a panel, with \(bRows.count) ≠ k rows, or "
          + "a grid narrower than its output")
    }
    let matrix = operand.matrix(.fp32, k: k)
    let floats = matrix.words.assumingMemoryBound(to: Float.self)
    bRows.withUnsafeBufferPointer { rows in
      withKernelForm(finish) {
        if let grid, grid.width > grid.outputWidth {
          ckf32_gemm_packed_a_rows_grid(
            m, n, k, floats, matrix.rows, operand.rowOffset, rows.baseAddress, c, ldc, grid.width,
            grid.outputWidth, $0)
        } else {
          ckf32_gemm_packed_a_rows(
            m, n, k, floats, matrix.rows, operand.rowOffset, rows.baseAddress, 0, c, ldc, $0)
        }
      }
    }
    withExtendedLifetime(matrix) {}
  }

  /// Calls `body` with `finish`'s epilogue in the kernels' form, or nil when there is none to apply.
  private static func withKernelForm(_ finish: EpilogueRegion?, _ body: (UnsafePointer<ck_epilogue>?) -> Void)
  {
    guard let finish else { return body(nil) }
    finish.withKernelForm(body)
  }

  /// Whether the CPU runs the build of the package's fp32 kernel for `level` (2 AVX-512F, 1 AVX2
  /// with FMA). Both builds give the same bits.
  static func f32KernelRuns(level: Int) -> Bool { ckf32_cpu_runs(Int32(level)) == 1 }

  /// Whether fp32 GEMMs with a pre-packed A (the forward convolutions' weights) run the package's
  /// own kernel (`ckf32_gemm_packed_a`: B read in place, no per-call packing of A) instead of
  /// OpenBLAS `sgemm`: on CPUs with AVX-512F (its AVX-512 build) or with AVX2 and FMA (its AVX2
  /// build; `TENSOR_F32_KERNEL=avx2` picks it on AVX-512 CPUs too), unless
  /// `TENSOR_F32_KERNEL=openblas` (or `TENSOR_F32_GEMM=openblas`, its older spelling; both read by
  /// `ckf32_cpu_level`). Its sums do not depend on how the columns split between threads, and both
  /// builds give the same bits; OpenBLAS's do depend on the split. Checked once.
  public static let ownF32Kernel: Bool = ckf32_cpu_supported() == 1
}
