/// Orders one label's detections for matching under a tie rule.
enum Ranking {
  /// Positions `0..<scores.count` by descending score; equal scores keep their position order.
  static func descendingStable(_ scores: ArraySlice<Float>) -> [Int] {
    var keys = [UInt64]()
    keys.reserveCapacity(scores.count)
    for (position, score) in scores.enumerated() {
      keys.append(UInt64(descendingKey(score)) << 32 | UInt64(position))
    }
    keys.sort()
    return keys.map { Int($0 & 0xFFFF_FFFF) }
  }

  /// numpy ≤ 1.24 `np.argsort(-scores)` on float32, as ACT and mmaction2 call it.
  static func legacyNegated(_ scores: ArraySlice<Float>) -> [Int] {
    NumpyLegacyArgsort.argsort(scores.map { -$0 })
  }

  /// numpy ≤ 1.24 `np.argsort(scores)[::-1]`, as the TF Object Detection API calls it.
  static func legacyAscendingReversed(_ scores: ArraySlice<Float>) -> [Int] {
    NumpyLegacyArgsort.argsort(Array(scores)).reversed()
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
