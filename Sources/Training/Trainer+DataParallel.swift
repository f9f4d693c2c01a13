import Distributed
import Networks
import Tensor

/// Data-parallel training over the ranks of an `mpirun` job.
///
/// - Every rank builds its ``BatchShard`` of each global batch and accumulates its samples'
///   gradients; one `MPI_Allreduce` (sum) per step carries every unfrozen gradient, concatenated
///   in ``TrainableActionDetector/parameters`` order, plus the loss sums and each rank's stop request
///   (1 or 0: any rank's request stops them all after the same step). Dividing by the
///   global batch gives the gradient a single process computes for the same batch (up to the
///   order of the float additions); every rank then clips and steps identically.
/// - Batch norm: frozen BN needs nothing. In training mode each rank normalises with its own
///   samples' statistics (the trainer feeds one sample at a time, as a single process does), and
///   the running statistics, which each rank updates over its own samples only, are replaced by
///   their mean over the ranks in the same all-reduce, so every rank keeps identical buffers (an
///   approximation of the single process's running averages, not equal to them).
/// - At the start and at every checkpoint each rank hashes its checkpoint tensors; the minimum and
///   maximum over the ranks must agree, or the run stops with ``TrainingError/ranksDiverged(step:minimum:maximum:)``.
extension Trainer {
  /// This rank's share of every global batch (every sample when there is no group).
  func shard() throws -> BatchShard {
    let batch = state.options.batchSize
    guard let group else { return BatchShard(batchSize: batch) }
    guard batch >= group.size else {
      throw TrainingError.batchSmallerThanRanks(batch: batch, ranks: group.size)
    }
    return BatchShard(batchSize: batch, rank: group.rank, ranks: group.size)
  }

  /// Sums the ranks' gradients, batch-norm running statistics (training mode) and `lossSums` in one
  /// all-reduce; leaves the gradient averaged over the global batch, the running statistics
  /// averaged over the ranks and `lossSums` summed over the global batch.
  func reduceAcrossRanks(_ group: ProcessGroup, lossSums: inout [Float]) throws {
    let learning = detector.parameters.filter { !$0.isFrozen }
    let norms = state.options.batchNormTraining ? detector.batchNorms : []
    var bucket: [Float] = []
    bucket.reserveCapacity(
      learning.reduce(0) { $0 + $1.gradient.count } + norms.reduce(0) { $0 + 2 * $1.runningMean.count }
        + lossSums.count)
    for p in learning { bucket += p.gradient.scalars }
    for bn in norms { bucket += bn.runningMean.scalars + bn.runningVariance.scalars }
    bucket += lossSums
    try group.allReduceSum(&bucket)
    var offset = 0
    let perSample = 1 / Float(state.options.batchSize)
    for p in learning {
      let n = p.gradient.count
      p.setGradient(Tensor(shape: p.shape, scalars: bucket[offset..<offset + n].map { $0 * perSample }))
      offset += n
    }
    let perRank = 1 / Float(group.size)
    for bn in norms {
      let n = bn.runningMean.count
      let mean = Tensor(
        shape: bn.runningMean.shape, scalars: bucket[offset..<offset + n].map { $0 * perRank })
      let variance = Tensor(
        shape: bn.runningVariance.shape, scalars: bucket[offset + n..<offset + 2 * n].map { $0 * perRank })
      bn.setRunningStatistics(mean: mean, variance: variance)
      offset += 2 * n
    }
    lossSums = Array(bucket[offset...])
  }

  /// Throws ``TrainingError/ranksDiverged(step:minimum:maximum:)`` unless every rank holds the same
  /// checkpoint tensors (a hash of names and values, all-reduced with MIN and MAX).
  func checkIdenticalWeights() throws {
    guard let group else { return }
    let hash = Self.weightHash(detector.checkpointTensors())
    let minimum = try group.allReduce(hash, .minimum)
    let maximum = try group.allReduce(hash, .maximum)
    guard minimum == maximum else {
      throw TrainingError.ranksDiverged(step: state.step, minimum: minimum, maximum: maximum)
    }
  }

  /// FNV-1a (64-bit) over every tensor's name and the bit patterns of its values, in order.
  static func weightHash(_ tensors: [(name: String, value: Tensor)]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let prime: UInt64 = 0x100_0000_01b3
    for (name, value) in tensors {
      for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
      for x in value.scalars { hash = (hash ^ UInt64(x.bitPattern)) &* prime }
    }
    return hash
  }
}
