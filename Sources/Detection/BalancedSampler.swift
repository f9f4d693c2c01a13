import Primitives

/// Where a ``BalancedSampler`` takes its choices from: a seeded generator (training) or a fixed
/// preference order (tests and parity fixtures).
public struct SampleOrder: Sendable {
  enum Source: Sendable {
    case random(SplitMix64)
    case ranked([Int: Int])
  }

  var source: Source

  /// Uniform choices without replacement from a ``SplitMix64`` seeded with `seed`; the generator's
  /// state carries over from one call to the next, so a training run is reproducible from its seed.
  public static func random(seed: UInt64) -> SampleOrder {
    SampleOrder(source: .random(SplitMix64(seed: seed)))
  }

  /// Deterministic choices: candidates are taken in the order they appear in `indices`, then those
  /// not listed by increasing index. Passing the indices another implementation sampled reproduces its
  /// sample exactly (as long as they respect the sampler's caps).
  public static func preferring(_ indices: [Int]) -> SampleOrder {
    var rank: [Int: Int] = [:]
    for (position, index) in indices.enumerated() where rank[index] == nil { rank[index] = position }
    return SampleOrder(source: .ranked(rank))
  }

  /// A uniform value in `[0, 1)` (the top 24 bits of the next output); 0.5 from a deterministic
  /// source, so that fixtures built with ``preferring(_:)`` see no jitter.
  mutating func unit() -> Float {
    guard case .random(var generator) = source else { return 0.5 }
    let value = Float(generator.next() >> 40) / Float(1 << 24)
    source = .random(generator)
    return value
  }

  /// `count` distinct elements of `candidates` (`count ≤ candidates.count`), in increasing order.
  ///
  /// Random source: a partial Fisher–Yates shuffle, `swap(c[i], c[i + next(below: n − i)])` for
  /// `i = 0 ..< count`, on the candidates in the order given.
  mutating func choose(_ count: Int, from candidates: [Int]) -> [Int] {
    precondition(count <= candidates.count, "SampleOrder.choose: \(count) of \(candidates.count) candidates")
    switch source {
    case .random(var generator):
      var pool = candidates
      for i in 0..<count {
        pool.swapAt(i, i + generator.next(below: pool.count - i))
      }
      source = .random(generator)
      return pool.prefix(count).sorted()
    case .ranked(let rank):
      let ordered = candidates.sorted {
        let (a, b) = (rank[$0] ?? Int.max, rank[$1] ?? Int.max)
        return a != b ? a < b : $0 < $1
      }
      return ordered.prefix(count).sorted()
    }
  }
}

/// Balanced sampling of a training minibatch: at most `batchSize · positiveFraction` positives
/// (rounded down), then negatives up to `batchSize` in all (TF OD API
/// `BalancedPositiveNegativeSampler` with a batch size, torchvision `BalancedPositiveNegativeSampler`).
///
/// When positives are short, negatives fill the batch; when both are short, the sample is smaller than
/// `batchSize`. The RPN samples 256 anchors with fraction 0.5, the second stage 64 ROIs with 0.25.
public struct BalancedSampler: Sendable, Equatable, Codable {
  /// Elements per sample (anchors per image for the RPN, ROIs per image for the head).
  public var batchSize: Int
  /// Largest share of positives in a sample.
  public var positiveFraction: Double

  /// A sampler of `batchSize` elements with at most `positiveFraction` positives.
  public init(batchSize: Int, positiveFraction: Double) {
    precondition(batchSize >= 0, "BalancedSampler: batchSize \(batchSize) must be >= 0")
    precondition(
      (0...1).contains(positiveFraction),
      "BalancedSampler: positiveFraction \(positiveFraction) not in [0, 1]")
    self.batchSize = batchSize
    self.positiveFraction = positiveFraction
  }

  /// The largest number of positives in a sample: `⌊batchSize · positiveFraction⌋`.
  public var positiveCapacity: Int { Int(Double(batchSize) * positiveFraction) }

  /// Samples positives, then negatives, from candidate indices; each result is in increasing order.
  public func sample(positives: [Int], negatives: [Int], order: inout SampleOrder) -> (
    positives: [Int], negatives: [Int]
  ) {
    let positiveCount = min(positives.count, positiveCapacity)
    let negativeCount = min(negatives.count, batchSize - positiveCount)
    let p = order.choose(positiveCount, from: positives)
    let n = order.choose(negativeCount, from: negatives)
    return (p, n)
  }
}
