/// Orders one label's detections for matching under a tie rule.
enum Ranking {
  /// Positions `0..<scores.count` by descending score; equal scores keep their position order.
  ///
  /// A least-significant-digit radix sort (four 8-bit passes, each stable), skipping passes where
  /// every key has the same digit.
  static func descendingStable(_ scores: ArraySlice<Float>) -> [Int] {
    let n = scores.count
    var keys = [UInt32](repeating: 0, count: n)
    var order = [Int](repeating: 0, count: n)
    for (position, score) in scores.enumerated() {
      keys[position] = descendingKey(score)
      order[position] = position
    }
    var keys2 = keys
    var order2 = order
    var counts = [Int](repeating: 0, count: 257)
    for shift in stride(from: 0, to: 32, by: 8) {
      for i in 0..<257 { counts[i] = 0 }
      for key in keys { counts[Int((key >> UInt32(shift)) & 0xFF) + 1] += 1 }
      if counts.contains(n) { continue }  // one bucket holds everything: the pass changes nothing
      for i in 0..<256 { counts[i + 1] += counts[i] }
      for i in 0..<n {
        let digit = Int((keys[i] >> UInt32(shift)) & 0xFF)
        let slot = counts[digit]
        counts[digit] += 1
        keys2[slot] = keys[i]
        order2[slot] = order[i]
      }
      swap(&keys, &keys2)
      swap(&order, &order2)
    }
    return order
  }

  /// numpy ≤ 1.24 `np.argsort(-scores)` on float32, as ACT and mmaction2 call it.
  static func legacyNegated(_ scores: ArraySlice<Float>) -> [Int] {
    NumpyLegacyArgsort.argsort(scores.map { -$0 })
  }

  /// numpy ≤ 1.24 `np.argsort(scores)[::-1]`, as the TF Object Detection API calls it.
  static func legacyAscendingReversed(_ scores: ArraySlice<Float>) -> [Int] {
    NumpyLegacyArgsort.argsort(Array(scores)).reversed()
  }

  /// `order` (a descending ranking of `scores`) with each run of equal scores stably partitioned:
  /// positions whose `flags` entry is `flaggedFirst` come first.
  static func partitioningTies(_ order: [Int], scores: [Float], flags: [Bool], flaggedFirst: Bool) -> [Int] {
    var result: [Int] = []
    result.reserveCapacity(order.count)
    var start = 0
    while start < order.count {
      var end = start + 1
      while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
      let group = order[start..<end]
      result.append(contentsOf: group.filter { flags[$0] == flaggedFirst })
      result.append(contentsOf: group.filter { flags[$0] != flaggedFirst })
      start = end
    }
    return result
  }

  /// A key whose ascending order is the descending order of finite and infinite scores
  /// (callers have removed NaN and normalised -0 to +0).
  @inline(__always)
  static func descendingKey(_ score: Float) -> UInt32 {
    let bits = score.bitPattern
    let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    return ~ascending
  }
}
