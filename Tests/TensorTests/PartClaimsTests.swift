import Testing

@testable import Tensor

/// ``PartClaims``: each claim gets a distinct part, the claiming thread's own while one is free
/// (then the others' from the far end), whatever the order and whichever threads claim.
@Suite struct PartClaimsTests {
  @Test func eachThreadGetsItsOwnPartsFirst() {
    let claims = PartClaims(parts: 4, threads: 2)
    #expect(claims.take(for: 1) == 2)
    #expect(claims.take(for: 0) == 0)
    #expect(claims.take(for: 1) == 3)
    #expect(claims.take(for: 0) == 1)
  }

  /// A thread that claims more often than its share (the other one late) takes the others' parts,
  /// and every part is handed out once.
  @Test(arguments: [(4, 2), (2, 2), (3, 2), (8, 3), (64, 4), (100, 2)])
  func everyPartOnceWhoeverClaims(parts: Int, threads: Int) {
    for order in [Array(repeating: 0, count: parts), (0..<parts).map { ($0 * 7) % threads }] {
      let claims = PartClaims(parts: parts, threads: threads)
      let got = order.compactMap { claims.take(for: $0) }
      #expect(got.sorted() == Array(0..<parts), "\(parts) parts, threads \(order)")
      #expect(claims.take(for: 0) == nil)
    }
  }

  /// One thread alone (the workers all late) runs its own parts first, then the others' from the
  /// far end.
  @Test func aLoneThreadTakesItsOwnThenTheRestFromTheEnd() {
    let claims = PartClaims(parts: 4, threads: 2)
    #expect((0..<5).map { _ in claims.take(for: 1) } == [2, 3, 1, 0, nil])
  }

  /// A thread done with its block helps the other from its far end, while the owner goes on from
  /// the front.
  @Test func helpersTakeFromTheFarEnd() {
    let claims = PartClaims(parts: 8, threads: 2)
    #expect(claims.take(for: 1) == 4)
    for part in 0..<4 { #expect(claims.take(for: 0) == part) }
    #expect(claims.take(for: 0) == 7)
    #expect(claims.take(for: 1) == 5)
    #expect(claims.take(for: 0) == 6)
    #expect(claims.take(for: 1) == nil)
  }
}
