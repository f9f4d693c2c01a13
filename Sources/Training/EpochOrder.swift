import Detection
import Primitives

/// Which example the `i`-th sample of a run is: examples are shuffled once per epoch with a
/// generator seeded by the run seed and the epoch, so sample `i` depends only on `(seed, i)` and a
/// resumed run draws exactly the samples an uninterrupted one would.
public struct EpochOrder: Sendable {
  /// Number of examples in one epoch.
  public let count: Int
  /// The run seed.
  public let seed: UInt64
  /// Whether to shuffle (otherwise examples come in list order every epoch).
  public let shuffles: Bool

  /// An order over `count` examples.
  public init(count: Int, seed: UInt64, shuffles: Bool = true) {
    precondition(count > 0, "EpochOrder: no examples")
    self.count = count
    self.seed = seed
    self.shuffles = shuffles
  }

  /// The permutation of epoch `epoch` (0-based): Fisher–Yates with ``SplitMix64`` seeded by
  /// ``mix(_:_:)`` of the seed and the epoch.
  public func permutation(epoch: Int) -> [Int] {
    var order = Array(0..<count)
    guard shuffles else { return order }
    var generator = SplitMix64(seed: Self.mix(seed, UInt64(epoch) &+ 0x5EED))
    for i in stride(from: count - 1, to: 0, by: -1) {
      order.swapAt(i, generator.next(below: i + 1))
    }
    return order
  }

  /// Example index of sample `sample` (0-based over the whole run).
  public func example(atSample sample: Int) -> Int {
    permutation(epoch: sample / count)[sample % count]
  }

  /// A seed derived from `seed` and `value` (one SplitMix64 output of their combination): used for
  /// per-epoch shuffles, per-sample augmentation and per-sample anchor/ROI sampling.
  public static func mix(_ seed: UInt64, _ value: UInt64) -> UInt64 {
    var generator = SplitMix64(seed: seed ^ (value &* 0xD1B5_4A32_D192_ED03))
    return generator.next()
  }
}
