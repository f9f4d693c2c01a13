import Dispatch
import Tensor

/// Runs `body(i)` for `i` in `0..<iterations` on up to `Compute.threadCount` threads, in contiguous
/// chunks (a local twin of Tensor's internal helper, which is not public).
func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
  let threads = min(Compute.threadCount, iterations)
  if threads <= 1 {
    for i in 0..<iterations { body(i) }
    return
  }
  withoutActuallyEscaping(body) { escapable in
    let box = UncheckedBox(escapable)
    DispatchQueue.concurrentPerform(iterations: threads) { chunk in
      let lo = iterations * chunk / threads
      let hi = iterations * (chunk + 1) / threads
      for i in lo..<hi { box.value(i) }
    }
  }
}

/// Wraps a value shared across threads whose accesses the caller keeps disjoint.
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
