import Synchronization

/// The parts of one ``Compute/splitRange(_:align:minimum:partsPerThread:_:)`` region still to run:
/// each call of ``take(for:)`` (one per iteration the pool hands out) returns a distinct part, the
/// calling thread's own when one is free.
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
  /// perThread ..<` one block on), else the first free one anywhere.
  func take(for thread: Int) -> Int {
    guard parts <= 64 else { return next.wrappingAdd(1, ordering: .relaxed).oldValue }
    let all: UInt64 = parts == 64 ? ~0 : (1 << UInt64(parts)) - 1
    let first = (thread * perThread) % parts
    let own: UInt64 = ((1 << UInt64(min(perThread, parts - first))) - 1) << UInt64(first)
    while true {
      let now = taken.load(ordering: .relaxed)
      let free = all & ~now
      precondition(free != 0, "PartClaims: more claims than parts")
      let pick = (free & own) != 0 ? free & own : free
      let bit = pick & (~pick &+ 1)
      if taken.compareExchange(expected: now, desired: now | bit, ordering: .relaxed).exchanged {
        return bit.trailingZeroBitCount
      }
    }
  }
}
