/// A seeded 64-bit pseudo-random generator (Vigna's SplitMix64) for reproducible training choices and
/// test cases.
///
/// Output `k` (1-based) of seed `s`: `z = s + k · 0x9E3779B97F4A7C15`, then
/// `z = (z XOR z>>30) · 0xBF58476D1CE4E5B9`, `z = (z XOR z>>27) · 0x94D049BB133111EB`, `z XOR z>>31`
/// (all modulo 2⁶⁴). The sequence depends only on the seed, on every platform and Swift version, which
/// the standard library's `SystemRandomNumberGenerator` does not promise.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
  /// The state: the seed plus the number of outputs drawn times the golden-ratio increment.
  public private(set) var state: UInt64

  /// A generator whose first output is that of `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64-bit output.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in `0..<bound` (`bound > 0`), unbiased: Lemire's multiply-shift
  /// `⌊bound · x / 2⁶⁴⌋` on the next output `x`, redrawn while the low half of the product is below
  /// `2⁶⁴ mod bound`. Written out here so that the draws never depend on the standard library's choice.
  public mutating func next(below bound: Int) -> Int {
    precondition(bound > 0, "SplitMix64.next(below:): bound \(bound) must be positive")
    let b = UInt64(bound)
    let threshold = (0 &- b) % b
    while true {
      let product = next().multipliedFullWidth(by: b)
      if product.low >= threshold { return Int(product.high) }
    }
  }
}
