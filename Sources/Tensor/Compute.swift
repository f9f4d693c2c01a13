import COpenBLAS
import Dispatch

/// Process-wide compute settings: how many threads the GEMMs and the other kernels use.
public enum Compute {
  /// Sets the number of threads for OpenBLAS GEMMs and for the element-wise kernels.
  public static func setThreadCount(_ count: Int) {
    let n = max(1, count)
    openblas_set_num_threads(Int32(n))
    threadCountBox.value = n
  }

  /// Caps the memory kept for reuse after large tensors die (default 512 MiB; 0 disables the cache).
  ///
  /// Networks allocate the same sizes on every run; reusing them avoids page faults at the cost of
  /// a higher resident set.
  public static func setBufferCacheLimit(bytes: Int) {
    BufferPool.shared.setCapacity(bytes)
  }

  /// Threads used by the non-GEMM kernels (initially the number of OpenBLAS threads).
  public static var threadCount: Int { threadCountBox.value }

  /// Row-major single-precision GEMM: `C = A · B + beta · C` with `A` m×k (row stride `lda`),
  /// `B` k×n (row stride `ldb`), `C` m×n (row stride `ldc`); runs on OpenBLAS's threads.
  public static func gemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
      if beta == 0 {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      }
      return
    }
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b,
      Int32(ldb), beta, c, Int32(ldc))
  }

  /// Row-major matrix–vector product `y = A · x` with `A` m×n (row stride `lda`).
  static func gemv(
    m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>
  ) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, a, Int32(lda), x, 1, 0, y, 1)
  }

  /// Runs `body(i)` for `i` in `0..<iterations` on up to `threadCount` threads.
  ///
  /// The work is split into contiguous chunks, four per thread, so small bodies stay cheap and a
  /// thread that loses its core to another process does not hold the others up for long.
  static func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    let threads = min(threadCount, iterations)
    if threads <= 1 {
      for i in 0..<iterations { body(i) }
      return
    }
    let chunks = min(iterations, threads * 4)
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedSendable(escapable)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let lo = iterations * chunk / chunks
        let hi = iterations * (chunk + 1) / chunks
        for i in lo..<hi { box.value(i) }
      }
    }
  }

  /// Holder of the thread count (read often, written rarely).
  private static let threadCountBox = IntBox(Int(openblas_get_num_threads()))
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
