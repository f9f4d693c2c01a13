import Tensor

/// How the TV-L1 kernels share rows between threads: through ``Compute/parallelFor(_:_:)``, so
/// they use ``Compute/threadCount`` threads (or the count bound with `Compute.withThreadCount`).
enum FlowThreads {
  /// Runs `body(y)` for every row `y` in `0..<rows`, rows split between the compute threads.
  static func forEachRow(_ rows: Int, _ body: (Int) -> Void) {
    Compute.parallelFor(rows, body)
  }

  /// Row bands for kernels that sweep rows in order: `count` contiguous ranges covering
  /// `0..<rows`, one per compute thread, each at least `minimumRows` long (fewer bands otherwise).
  static func bands(_ rows: Int, minimumRows: Int = 8) -> [Range<Int>] {
    let count = max(1, min(Compute.threadCount, rows / minimumRows))
    return (0..<count).map { b in (rows * b / count)..<(rows * (b + 1) / count) }
  }

  /// Runs `body(b)` for each band index `b` in `0..<count`, concurrently.
  static func forEachBand(_ count: Int, _ body: (Int) -> Void) {
    Compute.parallelFor(count, body)
  }
}
