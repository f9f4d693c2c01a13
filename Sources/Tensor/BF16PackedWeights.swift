import CKernelsBF16
import Synchronization

/// bf16-packed copies of a convolution's weight matrices (the A operands of its forward GEMMs),
/// packed on first use under bf16 and shared by copies of the layer, so the GEMMs need not convert
/// and re-pack the same weights on every call (5 % of a bf16 keyframe). Valid because a layer's
/// weights never change after construction (as for its Winograd weights).
///
/// Matrices are keyed by an index the layer's routes choose (``ConvStep/PackedIndex``).
final class BF16PackedWeights: Sendable {
  /// Packed matrices by index.
  private let matrices = Mutex<[Int: PackedMatrix]>([:])

  /// An empty set.
  init() {}

  /// Matrices packed so far.
  var count: Int { matrices.withLock { $0.count } }

  /// Matrix `index` (`rows` × `k`, row stride `k`, at `source`) packed, built on first use.
  func matrix(_ index: Int, rows: Int, k: Int, source: UnsafePointer<Float>) -> PackedMatrix {
    if let hit = matrices.withLock({ $0[index] }) { return hit }
    let made = PackedMatrix(rows: rows, k: k, source: source)
    return matrices.withLock { all in
      if let existing = all[index] { return existing }
      all[index] = made
      return made
    }
  }
}

/// One weight matrix in the bf16 kernel's packed layout (`ckbf16_pack_a`).
final class PackedMatrix: @unchecked Sendable {
  /// Rows of the whole matrix.
  let rows: Int
  /// Columns (the GEMM's k).
  let k: Int
  /// The packed words; owned, immutable after `init`.
  let words: UnsafeMutablePointer<UInt32>

  /// Packs `rows` × `k` floats at `source` (row stride `k`). Call only where bf16 runs.
  init(rows: Int, k: Int, source: UnsafePointer<Float>) {
    self.rows = rows
    self.k = k
    let count = ckbf16_packed_a_words(rows, k)
    words = UnsafeMutablePointer<UInt32>.allocate(capacity: max(count, 1))
    ckbf16_pack_a(rows, k, source, k, words)
  }

  deinit { words.deallocate() }
}

/// A GEMM's A operand as rows `rowOffset…` of a layer's weight matrix `index` (`rows` × `k`, row
/// stride `k`, at `source`): the bf16 route takes it pre-packed from `weights`.
struct PackedOperand {
  /// The layer's packed copies.
  let weights: BF16PackedWeights
  /// Which of the layer's matrices.
  let index: Int
  /// The whole matrix (row 0).
  let source: UnsafePointer<Float>
  /// Rows of the whole matrix.
  let rows: Int
  /// First row the GEMM uses.
  let rowOffset: Int
}

extension Compute {
  /// `bf16Gemm` with A from `operand`'s packed copy (same result, bit for bit), when its rows start
  /// on a panel boundary; else `bf16Gemm` on the unpacked rows.
  static func bf16Gemm(
    m: Int, n: Int, k: Int, operand: PackedOperand, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard operand.rowOffset % 8 == 0, operand.rowOffset + m <= operand.rows else {
      bf16Gemm(
        m: m, n: n, k: k, a: operand.source + operand.rowOffset * k, lda: k, b: b, ldb: ldb, beta: beta, c: c,
        ldc: ldc)
      return
    }
    if !BF16Support.host.isAvailable { fatalError("bf16 GEMM on a CPU without AVX512_BF16") }
    let matrix = operand.weights.matrix(operand.index, rows: operand.rows, k: k, source: operand.source)
    ckbf16_gemm_packed_a(m, n, k, matrix.words, matrix.rows, operand.rowOffset, b, ldb, beta, c, ldc)
    withExtendedLifetime(matrix) {}
  }
}
