import Synchronization

/// The parts of one ``Compute/splitRange(_:align:minimum:partsPerThread:balanced:_:)`` region
/// still to run: each call of ``take(for:)`` returns a distinct part, nil once all are taken. A
/// thread takes its own block's parts from the front; once they are gone it helps with another
/// block from the back, leaving that block's owner the parts next to the one it is running.
final class PartClaims: Sendable {
  /// Parts taken, one bit each (parts beyond 64 are handed out in order).
  private let taken = Atomic<UInt64>(0)
  /// The next part, for regions of more than 64 parts (handed out in order).
  private let next = Atomic<Int>(0)
  private let parts: Int
  private let perThread: Int

  init(parts: Int, threads: Int) {
    self.parts = parts
    perThread = max(1, parts / max(threads, 1))
  }

  /// A part not yet taken: the first free one of thread `thread`'s block (parts `thread ·
  /// perThread ..<` one block on), else the last free one of all; nil when every part is taken.
  func take(for thread: Int) -> Int? {
    guard parts <= 64 else {
      let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
      return i < parts ? i : nil
    }
    let all: UInt64 = parts == 64 ? ~0 : (1 << UInt64(parts)) - 1
    let first = (thread * perThread) % parts
    let own: UInt64 = ((1 << UInt64(min(perThread, parts - first))) - 1) << UInt64(first)
    while true {
      let now = taken.load(ordering: .relaxed)
      let free = all & ~now
      if free == 0 { return nil }
      let mine = free & own
      let bit = mine != 0 ? mine & (~mine &+ 1) : 1 << UInt64(63 - free.leadingZeroBitCount)
      if taken.compareExchange(expected: now, desired: now | bit, ordering: .relaxed).exchanged {
        return bit.trailingZeroBitCount
      }
    }
  }
}

/// One thread's walk through the parts of a region (``PartClaims``), timing it for
/// ``ThreadSpeeds`` when `timed`.
struct ClaimedParts {
  private let claims: PartClaims
  private let bounds: [Int]
  private let timed: Bool
  /// What the thread has done so far (its time only when timed).
  private(set) var report: PartReport
  private var start: UInt64 = 0

  /// The parts `bounds[i] ..< bounds[i + 1]` of `claims`, claimed as thread `thread`; `timed`
  /// reads the clock at the first and the last call of ``next()``.
  init(claims: PartClaims, bounds: [Int], thread: Int, timed: Bool) {
    self.claims = claims
    self.bounds = bounds
    self.timed = timed
    report = PartReport(thread: thread)
  }

  /// The next part the thread runs, or nil when none is left (which ends the report's time).
  mutating func next() -> Range<Int>? {
    if timed && start == 0 { start = WorkerPool.now() }
    while let i = claims.take(for: report.thread) {
      if bounds[i] < bounds[i + 1] {
        report.elements += bounds[i + 1] - bounds[i]
        return bounds[i]..<bounds[i + 1]
      }
    }
    if timed { report.nanoseconds = WorkerPool.now() &- start }
    return nil
  }
}
