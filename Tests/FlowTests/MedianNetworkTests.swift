import Testing

@testable import Flow

/// The median networks select the median of every 0/1 input, hence (0-1 principle) of every
/// input. Checked exhaustively, 64 inputs at a time: bit `k` of word `w` is input vector
/// `64 · w + k`, whose value `i` is bit `i` of that number; AND is min, OR is max.
@Suite struct MedianNetworkTests {
  @Test(arguments: [(MedianNetwork.nine, 9), (MedianNetwork.twentyFive, 25)])
  func selectsTheMedianOfEveryZeroOneInput(_ network: [(UInt8, UInt8)], _ count: Int) {
    let pairs = network.map { (Int($0.0), Int($0.1)) }
    // Values 0...5 vary inside a word (fixed bit patterns); values 6... are constant per word.
    let lowPatterns: [UInt64] = (0..<6).map { i in
      (0..<64).reduce(UInt64(0)) { pattern, k in pattern | (UInt64((k >> i) & 1) << UInt64(k)) }
    }
    // The median is 1 where more than half the values are 1: popcount(k) + popcount(w) > count / 2.
    let expectedForHighOnes: [UInt64] = (0...count).map { high in
      (0..<64).reduce(UInt64(0)) { mask, k in
        k.nonzeroBitCount + high > count / 2 ? mask | (1 << UInt64(k)) : mask
      }
    }
    let lanes: UInt64 = count >= 6 ? ~0 : (1 << UInt64(1 << count)) - 1
    var failures = 0
    var values = [UInt64](repeating: 0, count: count)
    values.withUnsafeMutableBufferPointer { v in
      for word in 0..<max(1, (1 << count) / 64) {
        for i in 0..<count { v[i] = i < 6 ? lowPatterns[i] : ((word >> (i - 6)) & 1 == 1 ? ~0 : 0) }
        for (a, b) in pairs {
          let (x, y) = (v[a], v[b])
          v[a] = x & y
          v[b] = x | y
        }
        if (v[count / 2] ^ expectedForHighOnes[word.nonzeroBitCount]) & lanes != 0 { failures += 1 }
      }
    }
    #expect(failures == 0)
  }
}

/// The written-out 25-value network equals the table on random data with ties.
@Suite struct UnrolledMedianTests {
  @Test func matchesTheTable() {
    var state: UInt64 = 12345
    func next() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 59)  // 0...31: many ties
    }
    var values = [SIMD8<Float>](repeating: .zero, count: 25)
    for _ in 0..<200 {
      for i in 0..<25 { values[i] = SIMD8((0..<8).map { _ in next() }) }
      let unrolled = values.withUnsafeBufferPointer { MedianNetwork.median25($0.baseAddress!) }
      var table = values
      MedianNetwork.twentyFive.withUnsafeBufferPointer { network in
        table.withUnsafeMutableBufferPointer { MedianNetwork.apply(network, to: $0.baseAddress!) }
      }
      let sorted = (0..<8).map { lane in values.map { $0[lane] }.sorted()[12] }
      #expect(unrolled == table[12])
      #expect(unrolled == SIMD8(sorted))
    }
  }
}
