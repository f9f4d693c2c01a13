import CKernelsBF16
import COpenBLAS
import Dispatch

/// Process-wide compute settings: how many threads the kernels use, and the GEMMs' precision
/// (`Compute+Precision.swift`).
///
/// OpenBLAS itself runs single-threaded: the kernels split their output columns between
/// `threadCount` workers (``WorkerPool``), each calling its GEMM on its own part. That keeps
/// lowering, GEMM and epilogue of a chunk on one core, and no OpenBLAS thread spins while the
/// element-wise work runs.
public enum Compute {
  /// Sets the number of threads for the GEMMs and the element-wise kernels.
  ///
  /// OpenBLAS is set to one thread once, when the count is first read or set; not again here, since
  /// `openblas_set_num_threads` while another thread is inside `cblas_sgemm` changes how that GEMM
  /// splits its work (and so the last bits of its result).
  public static func setThreadCount(_ count: Int) {
    threadCountBox.value = max(1, count)
  }

  /// Caps the memory kept for reuse after large tensors die (default 512 MiB; 0 disables the cache).
  ///
  /// Networks allocate the same sizes on every run; reusing them avoids page faults at the cost of
  /// a higher resident set.
  public static func setBufferCacheLimit(bytes: Int) {
    BufferPool.shared.setCapacity(bytes)
  }

  /// Threads the kernels use: the innermost ``withThreadCount(_:_:)`` of the calling thread or task,
  /// else the process-wide ``setThreadCount(_:)``.
  public static var threadCount: Int { threadOverride ?? threadCountBox.value }

  /// How many times, since the process started, a worker thread found itself on the CPU of the
  /// thread that opened its parallel region and moved to another (`TENSOR_SPREAD_WORKERS`; see the
  /// module README). Benchmarks report it.
  public static var workerMoves: Int { WorkerPool.shared.moves.load(ordering: .relaxed) }

  /// A thread count bound to the calling thread or task only (``withThreadCount(_:_:)``).
  @TaskLocal static var threadOverride: Int?

  /// Runs `body` with kernels called from this thread (or task) using `count` threads, without
  /// touching the process-wide setting other threads read (e.g. one single-threaded kernel chain
  /// per worker, several workers at once).
  public static func withThreadCount<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
    try $threadOverride.withValue(max(1, count)) { try body() }
  }

  /// Row-major GEMM in ``precision`` (fp32 `sgemm`, or bf16 operands with fp32 accumulation):
  /// `C = A · B + beta · C` with `A` m×k (row stride `lda`), `B` k×n (row stride `ldb`), `C` m×n
  /// (row stride `ldc`); the columns (or, when there are few, the rows) are split between
  /// `threadCount` threads.
  public static func gemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let box = UncheckedSendable((a, b, c))
    if n < threadCount * 256 && m >= 32 {
      // Few columns: split the rows instead.
      splitRange(m, align: 8, minimum: 16, partsPerThread: 1) { rows in
        let (a, b, c) = box.value
        serialGemm(
          m: rows.count, n: n, k: k, a: a + rows.lowerBound * lda, lda: lda, b: b, ldb: ldb, beta: beta,
          c: c + rows.lowerBound * ldc, ldc: ldc)
      }
      return
    }
    splitRange(n, align: 64, minimum: 256) { cols in
      let (a, b, c) = box.value
      serialGemm(
        m: m, n: cols.count, k: k, a: a, lda: lda, b: b + cols.lowerBound, ldb: ldb, beta: beta,
        c: c + cols.lowerBound, ldc: ldc)
    }
  }

  /// OpenBLAS's kernel set (`Cooperlake`, `Haswell`, …): its own pick for the CPU, what the
  /// `OPENBLAS_CORETYPE` environment variable names, or, where OpenBLAS did not know an AVX2 or
  /// AVX-512 CPU and fell back to Prescott, the set the package had it pick instead (the name then
  /// says so). It decides much of the GEMMs' speed (on Zen 5 one core runs the S3D-G shapes at
  /// 211–239 GFLOP/s with Cooperlake, 119–127 with Haswell; on an Emerald Rapids Xeon 124–150 with
  /// Cooperlake, 31–33 with Prescott) and the last bits of their results; benchmarks print it.
  public static var openBLASKernels: String {
    _ = openBLASThreads
    guard let name = openblas_get_corename() else { return "unknown" }
    let set = String(cString: name).split(separator: " ").joined(separator: " ")
    guard openBLASReplacedFallback != nil else { return set }
    return "\(set) (OpenBLAS fell back to Prescott on this CPU; the package chose again)"
  }

  /// The kernel set the package had OpenBLAS pick in place of its Prescott fallback
  /// (`ck_openblas_replace_fallback`), or nil when OpenBLAS's own pick stands. Written once, by the
  /// first use of OpenBLAS.
  nonisolated(unsafe) private(set) static var openBLASReplacedFallback: String?

  /// Plain `cblas_sgemm` on OpenBLAS's own `threadCount` threads (the machine's reference GEMM,
  /// as `../shared/bench/sgemm_bench.c` measures it); for benchmarks, not for concurrent use.
  public static func openBLASGemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    _ = openBLASThreads
    openblas_set_num_threads(Int32(threadCount))
    defer { openblas_set_num_threads(1) }
    guard m > 0, n > 0 else { return }
    if k == 0 {
      for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      return
    }
    // Always fp32 (the reference the benchmarks compare against), whatever ``precision`` says.
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b,
      Int32(ldb), 0, c, Int32(ldc))
  }

  /// `gemm` on the calling thread only, in `precision` (default ``precision``): OpenBLAS `sgemm`,
  /// or the bf16 kernel; both the bf16 kernel and, under fp32, the package's own AVX-512/AVX2 kernel
  /// (``ownF32Kernel``) take A pre-packed from `packed` when given (A must then be rows
  /// `packed.rowOffset…` of that matrix, `lda == k`).
  static func serialGemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, precision: ComputePrecision? = nil,
    packed: PackedOperand? = nil, finish: EpilogueRegion? = nil
  ) {
    _ = openBLASThreads
    guard m > 0, n > 0 else { return }
    if k == 0 {
      if beta == 0 {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      }
      finish?.apply()
      return
    }
    if (precision ?? Compute.precision) == .bf16 {
      if let packed, lda == k {
        bf16Gemm(
          m: m, n: n, k: k, operand: packed, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, finish: finish)
        return
      }
      bf16Gemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
      finish?.apply()
      return
    }
    if let packed, lda == k, ownF32Kernel, packed.covers(rows: m) {
      f32Gemm(m: m, n: n, k: k, operand: packed, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, finish: finish)
      return
    }
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b,
      Int32(ldb), beta, c, Int32(ldc))
    finish?.apply()
  }

  /// `serialGemm` with either operand transposed: `C = op(A) · op(B) + beta · C`, `op(A)` m×k and
  /// `op(B)` k×n; a transposed `A` is stored k×m (row stride `lda`), a transposed `B` n×k (row
  /// stride `ldb`). The backward passes use it for `dY · Xᵀ` and `Wᵀ · dY` without copies, in
  /// `precision` (default ``precision``) as the forward's GEMMs.
  static func serialGemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool, b: UnsafePointer<Float>,
    ldb: Int, transposeB: Bool, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    precision: ComputePrecision? = nil
  ) {
    _ = openBLASThreads
    guard m > 0, n > 0 else { return }
    if k == 0 {
      if beta == 0 {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      }
      return
    }
    if (precision ?? Compute.precision) == .bf16 {
      bf16Gemm(
        m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
        beta: beta, c: c, ldc: ldc)
      return
    }
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// Row-major matrix–vector product `y = A · x` with `A` m×n (row stride `lda`).
  static func gemv(
    m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>
  ) {
    _ = openBLASThreads
    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, a, Int32(lda), x, 1, 0, y, 1)
  }

  /// Runs `body(i)` for `i` in `0..<iterations` on up to `threadCount` threads.
  ///
  /// The work is split into contiguous chunks, four per thread, so small bodies stay cheap and a
  /// thread that loses its core to another process does not hold the others up for long.
  public static func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    let threads = min(threadCount, iterations)
    if threads <= 1 {
      for i in 0..<iterations { body(i) }
      return
    }
    let chunks = min(iterations, threads * 4)
    let count = threadCount
    let precision = precision
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedSendable(escapable)
      runRegion(chunks, threads: count) { chunk in
        let lo = iterations * chunk / chunks
        let hi = iterations * (chunk + 1) / chunks
        // Workers see the caller's thread count and precision, whatever another thread sets meanwhile.
        withThreadCount(count, precision: precision) {
          for i in lo..<hi { box.value(i) }
        }
      }
    }
  }

  /// Splits `0..<total` into contiguous parts of at least `minimum` elements (two per thread when
  /// there is enough work, so a thread slowed by another process hands its second part over),
  /// with inner boundaries on multiples of `align`, and runs `body` on each part concurrently.
  ///
  /// The parts form one block of `parts / threads` per thread. Thread t (``WorkerPool/threadIndex``)
  /// runs the parts of the t-th block while any is free, then helps with the others' from their
  /// ends (``PartClaims``). Successive splits of the same range thus give each thread the same
  /// part whenever it is on time, and a layer reads the columns the same thread wrote. That
  /// matters when the host places the two vCPUs on far-apart cores (a cache line's round trip
  /// 330–390 ns instead of 50–80): a ResNet-50 pass then takes 25 % longer, mostly reading what
  /// the other thread wrote.
  ///
  /// `balanced` sizes the blocks in proportion to the threads' recent speeds (``ThreadSpeeds``)
  /// when they differ: only for bodies whose results do not depend on where the parts end (the
  /// package's own fp32 kernel), since the boundaries then depend on timing.
  ///
  /// `partsPerThread` 1 gives each thread exactly one part (for splits whose parts share packed data).
  static func splitRange(
    _ total: Int, align: Int, minimum: Int, partsPerThread: Int = 2, balanced: Bool = false,
    _ body: (Range<Int>) -> Void
  ) {
    guard total > 0 else { return }
    let threads = threadCount
    let fit = total / max(minimum, 1)
    let parts = fit >= partsPerThread * threads ? partsPerThread * threads : max(1, min(threads, fit))
    if parts == 1 {
      body(0..<total)
      return
    }
    let shares = balanced && parts % threads == 0 ? ThreadSpeeds.shared.shares(threads: threads) : nil
    let bounds = partBounds(total, align: align, parts: parts, shares: shares)
    let precision = precision
    let walkers = min(threads, parts)
    // Only balanced splits time their threads (``ThreadSpeeds``).
    let reports = balanced ? UnsafeMutableBufferPointer<PartReport>.allocate(capacity: walkers) : nil
    reports?.initialize(repeating: PartReport())
    defer { reports?.deallocate() }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedSendable((escapable, reports))
      let claims = PartClaims(parts: parts, threads: threads)
      runRegion(walkers, threads: threads) { i in
        // Workers see the caller's thread count and precision, whatever another thread sets meanwhile.
        withThreadCount(threads, precision: precision) {
          let (run, reports) = box.value
          var walk = ClaimedParts(
            claims: claims, bounds: bounds, thread: WorkerPool.threadIndex, timed: reports != nil)
          while let part = walk.next() { run(part) }
          reports?[i] = walk.report
        }
      }
    }
    if let reports { ThreadSpeeds.shared.record(reports) }
  }

  /// The boundaries of `parts` parts of `0..<total` (inner ones on multiples of `align`): equal
  /// parts, or with `shares` (one per thread, summing to 1) one block per thread of that share of
  /// `total`, cut into `parts / shares.count` equal parts.
  static func partBounds(_ total: Int, align: Int, parts: Int, shares: [Double]?) -> [Int] {
    let aligned = { (x: Int) in min(total, (x + align / 2) / align * align) }
    guard let shares else {
      return (0...parts).map { $0 == parts ? total : aligned(total * $0 / parts) }
    }
    let perBlock = parts / shares.count
    var bounds = [0]
    var sum = 0.0
    for (t, share) in shares.enumerated() {
      let low = bounds[bounds.count - 1]
      sum += share
      let high = t == shares.count - 1 ? total : max(low, aligned(Int((Double(total) * sum).rounded())))
      for p in 1...perBlock {
        bounds.append(p == perBlock ? high : max(low, min(high, low + aligned((high - low) * p / perBlock))))
      }
    }
    return bounds
  }

  /// Runs `body(i)` for `i` in `0..<iterations` on up to `threads` threads: in order on the calling
  /// thread when `threads` is 1, else on ``WorkerPool``'s spinning workers when it is free, else
  /// (another thread's region, or one nested in a region) with `DispatchQueue.concurrentPerform`.
  private static func runRegion(_ iterations: Int, threads: Int, _ body: (Int) -> Void) {
    // concurrentPerform would use every core: `--threads 1` ran layer 1 of ResNet-50 on two.
    if threads <= 1 {
      for i in 0..<iterations { body(i) }
      return
    }
    if WorkerPool.shared.run(iterations, threads: threads, body) { return }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedSendable(escapable)
      DispatchQueue.concurrentPerform(iterations: iterations) { box.value($0) }
    }
  }

  /// Holder of the thread count (read often, written rarely). First use makes OpenBLAS
  /// single-threaded; the kernels parallelise above it.
  private static let threadCountBox = IntBox(openBLASThreads)

  /// OpenBLAS's own thread count at start-up (the default of ``threadCount``); reading it makes
  /// OpenBLAS single-threaded. Every GEMM touches it first: a GEMM run while OpenBLAS still had its
  /// default threads would split its work, and round, differently from all later ones (it did when
  /// the first GEMMs of a process ran under `withThreadCount`, which never reads the box).
  private static let openBLASThreads: Int = {
    if let set = ck_openblas_replace_fallback() { openBLASReplacedFallback = String(cString: set) }
    let n = Int(openblas_get_num_threads())
    openblas_set_num_threads(1)
    return max(1, n)
  }()
}

/// A mutable integer shared across threads; writes happen only from `setThreadCount`.
private final class IntBox: @unchecked Sendable {
  var value: Int
  init(_ value: Int) { self.value = value }
}

/// Wraps a value that is safe to share because the caller guarantees disjoint access.
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
