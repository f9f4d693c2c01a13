import Detection
import Foundation

/// Samples `first, first + 1, …` built on background threads, at most `capacity` ahead of the
/// consumer, handed out strictly in order (so results never depend on thread timing).
///
/// Sample `i` is example ``EpochOrder/example(atSample:)`` with augmentation seed
/// `EpochOrder.mix(seed, i)`: a pure function of the run seed and `i`.
public final class PrefetchQueue: @unchecked Sendable {
  private let builder: SampleBuilder
  private let examples: [TrainingExample]
  private let order: EpochOrder
  private let capacity: Int
  private let condition = NSCondition()
  private var nextToBuild: Int
  private var nextToTake: Int
  private var ready: [Int: Result<DetectorTrainingSample, any Error>] = [:]
  private var stopped = false
  private var running = 0

  /// Starts `workers` threads building samples from index `first` on.
  public init(
    builder: SampleBuilder, examples: [TrainingExample], order: EpochOrder, first: Int, capacity: Int = 8,
    workers: Int = 1
  ) {
    self.builder = builder
    self.examples = examples
    self.order = order
    self.capacity = max(1, capacity)
    self.nextToBuild = first
    self.nextToTake = first
    for _ in 0..<max(1, workers) {
      running += 1
      let thread = Thread { [self] in work() }
      thread.name = "train-prefetch"
      thread.start()
    }
  }

  deinit { stop() }

  /// The next sample in order (waits until it is built), or the error building it threw.
  public func next() throws -> (index: Int, sample: DetectorTrainingSample) {
    condition.lock()
    defer { condition.unlock() }
    let index = nextToTake
    while ready[index] == nil { condition.wait() }
    let result = ready.removeValue(forKey: index)!
    nextToTake += 1
    condition.broadcast()
    return (index, try result.get())
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
      let index = nextToBuild
      nextToBuild += 1
      condition.unlock()
      let example = examples[order.example(atSample: index)]
      let result = Result { try builder.sample(example, seed: EpochOrder.mix(order.seed, UInt64(index))) }
      condition.lock()
      ready[index] = result
      condition.broadcast()
      condition.unlock()
    }
  }
}
