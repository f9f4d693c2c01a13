import Primitives

/// A small, seedable random number generator (SplitMix64) with the draws the generator needs.
///
/// Every draw is defined here in integer and `Float` arithmetic, not through the standard
/// library's `random(in:)`, so a seed gives the same numbers on every platform and toolchain.
/// Independent streams come from ``child(_:)``: the stream of video 7 does not depend on how many
/// numbers video 6 drew.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  /// The underlying stream; its state seeds ``child(_:)``.
  private var bits: SplitMix64

  /// A generator whose stream is fully determined by `seed`.
  public init(seed: UInt64) {
    bits = SplitMix64(seed: seed)
  }

  /// The next 64 random bits (SplitMix64's next output).
  public mutating func next() -> UInt64 { bits.next() }

  /// An independent generator for sub-stream `index` (a video, an actor), derived from this
  /// generator's seed without advancing it.
  public func child(_ index: UInt64) -> SeededRandom {
    var mixer = SplitMix64(seed: bits.state ^ (index &* 0xD1B5_4A32_D192_ED03))
    return SeededRandom(seed: mixer.next())
  }

  /// A uniform `Float` in `0 ..< 1` (24 random bits).
  public mutating func unit() -> Float {
    Float(next() >> 40) * (1 / 16_777_216)
  }

  /// A uniform `Float` in `range`.
  public mutating func uniform(_ range: ClosedRange<Float>) -> Float {
    range.lowerBound + (range.upperBound - range.lowerBound) * unit()
  }

  /// A uniform integer in `range` (multiply-shift; the bias is below 2⁻³² for small ranges).
  public mutating func int(in range: ClosedRange<Int>) -> Int {
    let span = UInt64(range.upperBound - range.lowerBound) + 1
    return range.lowerBound + Int(((next() >> 32) &* span) >> 32)
  }

  /// `true` with probability `p`.
  public mutating func chance(_ p: Float) -> Bool { unit() < p }

  /// `+1` or `-1` with equal probability.
  public mutating func sign() -> Float { chance(0.5) ? 1 : -1 }

  /// One element of a non-empty array, uniformly.
  public mutating func pick<T>(_ items: [T]) -> T { items[int(in: 0...(items.count - 1))] }
}
