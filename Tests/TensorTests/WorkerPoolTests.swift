import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Tensor

/// ``WorkerPool``: every iteration of a region runs exactly once, whether the workers were spinning
/// or asleep; a region nested in one, or asked for while another thread's runs, is refused (and
/// `Compute`'s parallel loops then take `concurrentPerform`, with the same results).
@Suite struct WorkerPoolTests {
  /// Runs a region of `iterations` on `threads` threads and returns how often each iteration ran;
  /// while another test's region holds the pool, it tries again (up to a second).
  private func counts(_ iterations: Int, threads: Int) -> (ran: Bool, counts: [Int]) {
    for _ in 0..<1000 {
      let seen = Tally(iterations)
      if WorkerPool.shared.run(iterations, threads: threads, { seen.add($0) }) { return (true, seen.values) }
      Thread.sleep(forTimeInterval: 0.001)
    }
    return (false, [])
  }

  @Test func everyIterationRunsOnce() {
    for (iterations, threads) in [(2, 2), (7, 2), (100, 3), (5, 8)] {
      let (ran, counts) = counts(iterations, threads: threads)
      #expect(ran, "the pool never took a region of \(iterations) on \(threads)")
      #expect(counts == Array(repeating: 1, count: iterations), "\(iterations) on \(threads)")
    }
  }

  /// After the workers have gone to sleep (past the spin time), a region wakes them and completes.
  @Test func regionsAfterTheWorkersSleep() {
    for _ in 0..<3 {
      Thread.sleep(forTimeInterval: 0.005)
      let (ran, counts) = counts(16, threads: 2)
      #expect(ran)
      #expect(counts == Array(repeating: 1, count: 16))
    }
  }

  /// One thread, or one iteration, is no region; a region inside a region is refused.
  @Test func refusesWhatItCannotRun() {
    #expect(!WorkerPool.shared.run(5, threads: 1) { _ in })
    #expect(!WorkerPool.shared.run(1, threads: 4) { _ in })
    let nested = Tally(1)
    let ran = WorkerPool.shared.run(2, threads: 2) { i in
      if i == 0, !WorkerPool.shared.run(2, threads: 2, { _ in }) { nested.add(0) }
    }
    if ran { #expect(nested.values == [1]) }
  }

  /// Parallel loops called from several threads at once (one holds the pool, the others fall back)
  /// and nested in each other all give the serial result.
  @Test func concurrentAndNestedLoopsGiveTheSerialResult() {
    let expected = (0..<4).map { outer in (0..<50).map { outer * 1000 + $0 * $0 } }
    let results = Mutex<[Int: [Int]]>([:])
    DispatchQueue.concurrentPerform(iterations: 4) { outer in
      Compute.withThreadCount(2) {
        let values = Tally(50)
        Compute.parallelFor(50) { i in
          Compute.parallelFor(2) { _ in }
          values.set(i, outer * 1000 + i * i)
        }
        results.withLock { $0[outer] = values.values }
      }
    }
    let got = results.withLock { all in (0..<4).map { all[$0] ?? [] } }
    #expect(got == expected)
  }
}

/// Per-index integers written from several threads.
private final class Tally: Sendable {
  private let cells: Mutex<[Int]>
  init(_ count: Int) { cells = Mutex(Array(repeating: 0, count: count)) }
  func add(_ i: Int) { cells.withLock { $0[i] += 1 } }
  func set(_ i: Int, _ value: Int) { cells.withLock { $0[i] = value } }
  var values: [Int] { cells.withLock { $0 } }
}
