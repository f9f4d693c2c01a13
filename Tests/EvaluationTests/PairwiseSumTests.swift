import Testing

@testable import Evaluation

/// `PairwiseSum` reproduces numpy's summation order.
@Suite struct PairwiseSumTests {
  @Test func sequentialBelowEightTerms() {
    let terms: [Float] = [1e8, 1, -1e8, 1, 1, 1, 1]
    // Sequential from 0: (((1e8 + 1) - 1e8) + 1 + 1 + 1 + 1) = 4 in float32 (1e8 + 1 rounds to 1e8).
    #expect(PairwiseSum.sum(terms) == 4)
  }

  @Test func eightAccumulatorsUpTo128Terms() {
    // r0 = 1e8 + 1 (rounds away), r4 = -1e8: ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)) = 1e8 - 1e8 = 0,
    // then the remainder 1, 1 → 2. A sequential sum would give 9.
    var terms = [Float](repeating: 0, count: 18)
    terms[0] = 1e8
    terms[4] = -1e8
    terms[8] = 1
    for i in 9..<16 { terms[i] = 1 }
    terms[16] = 1
    terms[17] = 1
    let sequential = terms.reduce(Float(0), +)
    #expect(PairwiseSum.sum(terms) != sequential)
    // r0 = 1e8 + 1 = 1e8, r1..r3 = 1, r4 = -1e8: blocks give (1e8 + 1 + 1 + 1) + (-1e8 + 1 + 1 + 1).
    let r: [Float] = [1e8 + 1, 1, 1, 1, -1e8 + 1, 1, 1, 1]
    let expected = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])) + 1 + 1
    #expect(PairwiseSum.sum(terms) == expected)
  }

  @Test func splitsAboveBlockSize() {
    let terms = (0..<1000).map { Double($0) * 0.1 }
    let expected = PairwiseSum.sum(Array(terms[0..<496])) + PairwiseSum.sum(Array(terms[496...]))
    #expect(PairwiseSum.sum(terms) == expected)
    #expect(abs(PairwiseSum.sum(terms) - 49950) < 1e-9)
    #expect(PairwiseSum.sum([Double]()) == 0)
  }
}
