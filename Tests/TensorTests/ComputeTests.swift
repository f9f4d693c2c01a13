import CKernelsBF16
import Dispatch
import Foundation
import Testing

@testable import Tensor

/// `Compute`'s settings: `withThreadCount` binds a thread count to the calling thread only, and
/// `openBLASKernels` names OpenBLAS's kernel set.
@Suite struct ComputeTests {
  /// The kernel set benchmarks print is a name OpenBLAS gives (trimmed), and `OPENBLAS_CORETYPE`
  /// chooses it when set to one of the x86-64 sets any AVX2 CPU runs.
  @Test func openBLASKernelsNameTheSetInUse() {
    let kernels = Compute.openBLASKernels
    #expect(!kernels.isEmpty && kernels != "unknown" && !kernels.hasSuffix(" "))
    if let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
      ["haswell", "zen", "sandybridge", "nehalem"].contains(chosen.lowercased())
    {
      #expect(kernels.lowercased() == chosen.lowercased())
    }
  }

  /// On a CPU with AVX2 and FMA, OpenBLAS runs vector kernels unless the environment names a set:
  /// where it fell back to Prescott's SSE3 kernels (Debian 12's 0.3.21 on Intel's Emerald Rapids,
  /// a quarter of the speed), the package has it pick again.
  @Test func openBLASNeverStaysOnItsPrescottFallback() {
    guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, ckf32_cpu_runs(1) != 0 else {
      return
    }
    #expect(!Compute.openBLASKernels.hasPrefix("Prescott"))
  }

  @Test func threadCountBoundToCallingThreadOnly() {
    let global = Compute.threadCount
    let (inside, nested, elsewhere) = Compute.withThreadCount(global + 3) {
      let nested = Compute.withThreadCount(1) { Compute.threadCount }
      // Another thread, started while the binding is active, still sees the process-wide count.
      let other = Seen()
      let done = DispatchSemaphore(value: 0)
      Thread.detachNewThread {
        other.count = Compute.threadCount
        done.signal()
      }
      done.wait()
      return (Compute.threadCount, nested, other.count)
    }
    #expect(inside == global + 3 && nested == 1 && elsewhere == global)
    #expect(Compute.threadCount == global)
  }
}

/// A value written by another thread before a semaphore is signalled.
private final class Seen: @unchecked Sendable {
  var count = 0
}
