import Detection
import Foundation

/// The samples of one ``BatchShard`` from global sample `first` on (with one rank: `first,
/// first + 1, …`), built on background threads, at most `capacity` ahead of the consumer, handed
/// out strictly in order (so results never depend on thread timing).
///
/// Sample `i` is example ``EpochOrder/example(atSample:)`` with augmentation seed
/// `EpochOrder.mix(seed, i)`: a pure function of the run seed and `i`.
public final class PrefetchQueue: @unchecked Sendable {
  private let builder: SampleBuilder
  private let examples: [TrainingExample]
  private let order: EpochOrder
  private let capacity: Int
  private let shard: BatchShard
  private let first: Int
  private let condition = NSCondition()
  private var nextToBuild: Int
  private var nextToTake: Int
  /// Built samples by ordinal (0-based position in this shard's sequence).
  private var ready: [Int: Result<DetectorTrainingSample, any Error>] = [:]
  private var stopped = false
  private var running = 0

  /// Starts `workers` threads building the samples of `shard` from global index `first` on (a
  /// step boundary when the shard has more than one rank).
  public init(
    builder: SampleBuilder, examples: [TrainingExample], order: EpochOrder, first: Int, capacity: Int = 8,
    workers: Int = 1, shard: BatchShard = BatchShard(batchSize: 1)
  ) {
    self.builder = builder
    self.examples = examples
    self.order = order
    self.capacity = max(1, capacity)
    self.shard = shard
    self.first = first
    self.nextToBuild = 0
    self.nextToTake = 0
    for _ in 0..<max(1, workers) {
      running += 1
      let thread = Thread { [self] in work() }
      thread.name = "train-prefetch"
      thread.start()
    }
  }

  deinit { stop() }

  /// The next sample in order and its global index (waits until it is built), or the error
  /// building it threw.
  public func next() throws -> (index: Int, sample: DetectorTrainingSample) {
    condition.lock()
    defer { condition.unlock() }
    let ordinal = nextToTake
    while ready[ordinal] == nil { condition.wait() }
    let result = ready.removeValue(forKey: ordinal)!
    nextToTake += 1
    condition.broadcast()
    return (shard.sampleIndex(ordinal: ordinal, first: first), try result.get())
  }

  /// Stops the workers (they finish the sample in hand) and waits for them.
  public func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    while running > 0 { condition.wait() }
    condition.unlock()
  }

  private func work() {
    while true {
      condition.lock()
      while !stopped && nextToBuild >= nextToTake + capacity { condition.wait() }
      if stopped {
        running -= 1
        condition.broadcast()
        condition.unlock()
        return
      }
      let ordinal = nextToBuild
      nextToBuild += 1
      condition.unlock()
      let index = shard.sampleIndex(ordinal: ordinal, first: first)
      let example = examples[order.example(atSample: index)]
      let result = Result { try builder.sample(example, seed: EpochOrder.mix(order.seed, UInt64(index))) }
      condition.lock()
      ready[ordinal] = result
      condition.broadcast()
      condition.unlock()
    }
  }
}
