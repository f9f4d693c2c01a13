import Testing

@testable import Tensor

/// ``PartClaims``: each claim gets a distinct part, the claiming thread's own while one is free,
/// whatever the order and whichever threads claim.
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
      let got = order.map { claims.take(for: $0) }
      #expect(got.sorted() == Array(0..<parts), "\(parts) parts, threads \(order)")
    }
  }

  /// One thread alone (the workers all late) runs the parts in order, its own first.
  @Test func aLoneThreadTakesItsOwnThenTheRestInOrder() {
    let claims = PartClaims(parts: 4, threads: 2)
    #expect((0..<4).map { _ in claims.take(for: 1) } == [2, 3, 0, 1])
  }
}
