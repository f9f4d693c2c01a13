import Primitives
import Testing

/// `UInt8(roundingClamped:)` is bit for bit the expression it replaces in the pixel loops.
@Suite struct ByteRoundingTests {
  static func reference(_ value: Float) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }

  @Test func everyHalfwayPointAndItsNeighbours() {
    for k in -3...258 {
      for base in [Float(k), Float(k) + 0.5] {
        var v = base
        for _ in 0..<4 { v = v.nextDown }
        for _ in 0..<9 {
          #expect(UInt8(roundingClamped: v) == Self.reference(v), "\(v)")
          v = v.nextUp
        }
      }
    }
  }

  @Test func specialValues() {
    for v: Float in [0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, -0.5, 254.5, 1e30, -1e30] {
      #expect(UInt8(roundingClamped: v) == Self.reference(v), "\(v)")
    }
  }

  @Test func randomValues() {
    var generator = SplitMix64(seed: 11)
    var mismatches: [Float] = []
    for _ in 0..<200_000 {
      let v = Float(generator.next() >> 40) / Float(1 << 24) * 280 - 12
      if UInt8(roundingClamped: v) != Self.reference(v) { mismatches.append(v) }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }
}
