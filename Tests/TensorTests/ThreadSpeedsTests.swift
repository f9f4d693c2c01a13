import Testing

@testable import Tensor

/// ``ThreadSpeeds``: a thread that keeps running slower gets a smaller share of the next balanced
/// split; equal speeds, or reports that tell nothing, leave the split equal.
@Suite struct ThreadSpeedsTests {
  private func report(_ thread: Int, _ elements: Int, _ nanoseconds: UInt64) -> PartReport {
    PartReport(thread: thread, elements: elements, nanoseconds: nanoseconds)
  }

  @Test func aThreadAtHalfSpeedGetsAThirdOfTheWork() {
    let speeds = ThreadSpeeds()
    for _ in 0..<40 { speeds.record([report(0, 1000, 1_000_000), report(1, 1000, 2_000_000)]) }
    let shares = speeds.shares(threads: 2)
    #expect(shares != nil)
    #expect(abs((shares?[0] ?? 0) - 2.0 / 3) <= 1.0 / 32)
    #expect(abs((shares?.reduce(0, +) ?? 0) - 1) < 1e-9)
  }

  @Test func equalOrSlightlyDifferentSpeedsSplitEqually() {
    let speeds = ThreadSpeeds()
    #expect(speeds.shares(threads: 2) == nil)
    for _ in 0..<40 { speeds.record([report(0, 1000, 1_000_000), report(1, 1100, 1_000_000)]) }
    #expect(speeds.shares(threads: 2) == nil)
    #expect(speeds.shares(threads: 1) == nil)
  }

  /// A thread that ran nothing (late to the region), or two reports from one thread (the region
  /// ran outside the pool), say nothing about speeds.
  @Test func reportsThatTellNothingAreIgnored() {
    let speeds = ThreadSpeeds()
    for _ in 0..<40 {
      speeds.record([report(0, 1000, 1_000_000), report(1, 0, 0)])
      speeds.record([report(0, 1000, 1_000_000), report(0, 1000, 9_000_000)])
    }
    #expect(speeds.shares(threads: 2) == nil)
  }

  @Test func speedsRecoverAndResetForgets() {
    let speeds = ThreadSpeeds()
    for _ in 0..<40 { speeds.record([report(0, 1000, 1_000_000), report(1, 1000, 3_000_000)]) }
    #expect(speeds.shares(threads: 2) != nil)
    for _ in 0..<40 { speeds.record([report(0, 1000, 1_000_000), report(1, 1000, 1_000_000)]) }
    #expect(speeds.shares(threads: 2) == nil)
    for _ in 0..<40 { speeds.record([report(0, 1000, 1_000_000), report(1, 1000, 3_000_000)]) }
    speeds.reset()
    #expect(speeds.shares(threads: 2) == nil)
  }

  /// Parts follow the shares: one block per thread of its share of the range, cut into equal
  /// parts, every inner boundary on the alignment; without shares, the plain equal parts.
  @Test func partBoundsFollowTheShares() {
    #expect(Compute.partBounds(2000, align: 64, parts: 4, shares: nil) == [0, 512, 1024, 1472, 2000])
    let bounds = Compute.partBounds(2000, align: 64, parts: 4, shares: [0.75, 0.25])
    #expect(bounds == [0, 768, 1472, 1728, 2000])
    let three = Compute.partBounds(256, align: 8, parts: 3, shares: [0.5, 0.25, 0.25])
    #expect(three == [0, 128, 192, 256])
    let skewed = Compute.partBounds(16, align: 8, parts: 2, shares: [0.97, 0.03])
    #expect(skewed.first == 0 && skewed.last == 16 && zip(skewed, skewed.dropFirst()).allSatisfy { $0 <= $1 })
  }
}
