import CKernelsBF16

/// The GEMM precision: process-wide, or bound to one thread or task.
///
/// Every GEMM follows ``Compute/precision``: the forward pass's (`Compute.gemm`, convolutions'
/// direct, temporal, im2col and Winograd GEMMs) and the backward passes' (transposed operands), so
/// `train --precision bf16` trains with bf16 GEMM operands and fp32 weights, gradients and
/// optimiser state. Matrix–vector products (`Linear`, self-gating) and element-wise kernels stay fp32.
extension Compute {
  /// The GEMM precision of kernels called from this thread or task: the innermost
  /// ``withPrecision(_:support:_:)``, else the process-wide ``setPrecision(_:support:)`` (fp32 by
  /// default).
  public static var precision: ComputePrecision { precisionOverride ?? precisionBox.value }

  /// A precision bound to the calling thread or task only (``withPrecision(_:support:_:)``).
  @TaskLocal static var precisionOverride: ComputePrecision?

  /// Sets the process-wide GEMM precision; throws ``ComputePrecisionError`` (and keeps the old
  /// setting) when `support` says the CPU cannot run it.
  ///
  /// ```swift
  /// try Compute.setPrecision(.bf16)
  /// // on a CPU without AVX512_BF16:
  /// // bf16 needs a CPU with AVX512_BF16 (this CPU: Intel(R) Xeon(R) … (avx512_bf16 no, …))
  /// ```
  public static func setPrecision(_ precision: ComputePrecision, support: BF16Support = .host) throws {
    try check(precision, support)
    precisionBox.value = precision
  }

  /// Runs `body` with GEMMs called from this thread (or task, and the workers the kernels start)
  /// in `precision`, without touching the process-wide setting; throws as
  /// ``setPrecision(_:support:)`` does, before running `body`.
  public static func withPrecision<T>(
    _ precision: ComputePrecision, support: BF16Support = .host, _ body: () throws -> T
  ) throws -> T {
    try check(precision, support)
    return try $precisionOverride.withValue(precision) { try body() }
  }

  /// Runs `body` with `count` threads and the given precision (for worker threads started by
  /// callers, which see neither binding of the thread that started them). `precision` must be one
  /// this process already accepted, i.e. a value read from ``precision``.
  public static func withThreadCount<T>(
    _ count: Int, precision: ComputePrecision, _ body: () throws -> T
  ) rethrows -> T {
    try $precisionOverride.withValue(precision) { try withThreadCount(count, body) }
  }

  /// Throws when `support` cannot run `precision`.
  private static func check(_ precision: ComputePrecision, _ support: BF16Support) throws {
    if precision == .bf16 && !support.isAvailable {
      throw ComputePrecisionError(precision: precision, cpu: support.cpu)
    }
  }

  /// `C = A · B + beta · C` (row-major, no transposes) with bf16 operands and fp32 accumulation, on
  /// the calling thread. Traps when the CPU lacks AVX512_BF16 (callers reach it only through an
  /// accepted ``precision``, or tests that checked ``BF16Support/host``).
  static func bf16Gemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    // Not a precondition: those vanish under the target's -Ounchecked, and this one guards
    // against an illegal instruction.
    if !BF16Support.host.isAvailable { fatalError("bf16 GEMM on a CPU without AVX512_BF16") }
    ckbf16_gemm(m, n, k, a, lda, b, ldb, beta, c, ldc)
  }

  /// ``bf16Gemm(m:n:k:a:lda:b:ldb:beta:c:ldc:)`` with either operand transposed (stored as the
  /// transposed `serialGemm` takes them); bit for bit the result on materialised transposes.
  static func bf16Gemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool, b: UnsafePointer<Float>,
    ldb: Int, transposeB: Bool, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if !BF16Support.host.isAvailable { fatalError("bf16 GEMM on a CPU without AVX512_BF16") }
    ckbf16_gemm_transposed(
      m, n, k, a, lda, transposeA ? 1 : 0, b, ldb, transposeB ? 1 : 0, beta, c, ldc)
  }

  /// Precision of the GEMMs between Winograd transforms: ``precision``, except that
  /// `TENSOR_BF16_WINOGRAD=0` keeps them fp32 under bf16.
  ///
  /// F(4×4, 3×3)'s output transform sums products with coefficients up to 8 per axis, so the
  /// operands' bf16 rounding weighs more there than in a direct convolution: on a single random
  /// 3×3 layer 6–8 % of the largest output (L∞) against ~0.2 % for im2col; on the real trunks
  /// layer3 2.5 % against 1.1 % with fp32 Winograd GEMMs, Mixed_4e 0.8 % against 0.5 %
  /// (`eval/BENCHMARKS.md`, bf16 section). The Winograd GEMMs carry most of S3D-G's and the box
  /// head's multiply-adds, so bf16 there is where the speed is.
  static var winogradPrecision: ComputePrecision {
    bf16Winograd ? precision : .fp32
  }

  /// Which precision the Winograd GEMMs take under bf16 (for reports).
  public static var bf16WinogradDescription: String { bf16Winograd ? "bf16" : "fp32" }

  /// False when `TENSOR_BF16_WINOGRAD=0`.
  static let bf16Winograd = EnvironmentSwitch.isOn("TENSOR_BF16_WINOGRAD")

  /// Holder of the process-wide precision (read often, written rarely).
  private static let precisionBox = PrecisionBox()
}

/// The process-wide precision; written only by `setPrecision` (before the kernels run).
private final class PrecisionBox: @unchecked Sendable {
  var value = ComputePrecision.fp32
}
