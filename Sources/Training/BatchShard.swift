/// Which samples of every global batch one rank of a data-parallel run builds: step `s` of a run
/// with global batch `B` consumes samples `s·B ..< (s+1)·B`, and rank `r` of `N` takes positions
/// `r, r + N, r + 2N, …` of them. With one rank it is every sample, in order.
///
/// Samples keep their global index, so their augmentation and anchor/ROI sampling are the ones a
/// single process would draw: N ranks see the same global batch as one process.
public struct BatchShard: Sendable, Equatable {
  /// Samples per step over all ranks.
  public let batchSize: Int
  /// This rank, `0..<ranks`.
  public let rank: Int
  /// Number of ranks.
  public let ranks: Int

  /// The shard of rank `rank` of `ranks` (`1 ≤ ranks ≤ batchSize`, so every rank has work).
  public init(batchSize: Int, rank: Int = 0, ranks: Int = 1) {
    precondition(ranks >= 1 && (0..<ranks).contains(rank) && batchSize >= ranks, "BatchShard: bad shape")
    self.batchSize = batchSize
    self.rank = rank
    self.ranks = ranks
  }

  /// Samples this rank builds per step: the positions `j < batchSize` with `j mod ranks == rank`.
  public var samplesPerStep: Int { (batchSize - rank + ranks - 1) / ranks }

  /// Global index of this rank's `ordinal`-th sample (0-based) of a run whose first step starts
  /// at global sample `first` (a multiple of ``batchSize``).
  public func sampleIndex(ordinal: Int, first: Int) -> Int {
    let local = samplesPerStep
    return first + (ordinal / local) * batchSize + rank + (ordinal % local) * ranks
  }
}
