import Synchronization

/// How fast each of the pool's threads has lately run its parts of the balanced splits
/// (``Compute/splitRange(_:align:minimum:partsPerThread:balanced:_:)``), relative to the others,
/// and the shares of the next split that follow from it.
///
/// On a shared host one vCPU sometimes runs at half speed for seconds (its core's other hardware
/// thread busy with another guest's work). Equal parts then make every layer wait for the slow
/// thread: ResNet-50 to layer3 ran ~2× slower with one worker slowed to half speed, against the
/// 1.33× that splitting the work in proportion to speed costs. Each balanced region reports how
/// many elements each thread ran and how long it was busy; a thread's weight follows its speed
/// relative to the region's mean (an exponential average over regions), and a split gives each
/// thread a share in proportion to its weight once the weights differ enough to matter. Within
/// ``equalBand`` of equal the shares are equal, so the parts are those of the plain split.
final class ThreadSpeeds: Sendable {
  /// The process-wide record (threads are ``WorkerPool/threadIndex`` values).
  static let shared = ThreadSpeeds()

  /// Most threads tracked; wider regions split equally.
  static let maximumThreads = 64

  /// How far (as a fraction of the whole) every share may stray from equal before the split
  /// follows the weights: 0.06 is a speed ratio of about 1.27 between two threads.
  static let equalBand = 0.06

  /// Weight of the newest region in the averages.
  static let smoothing = 0.25

  /// Shares are rounded to multiples of 1 / `shareSteps`, so small changes of speed leave the
  /// parts as they were.
  static let shareSteps = 32.0

  /// Whether balanced splits follow the threads' speeds: false when `TENSOR_BALANCE_THREADS=0`
  /// (to measure without it).
  static let enabled = EnvironmentSwitch.isOn("TENSOR_BALANCE_THREADS")

  /// Shares that balanced splits called from this task use instead of the measured ones, when
  /// there is one per thread (to check that a layer gives the same bits however it splits).
  @TaskLocal static var fixedShares: [Double]?

  /// Relative speed per thread index (1 when equal).
  private let weights = Mutex([Double](repeating: 1, count: ThreadSpeeds.maximumThreads))

  /// A fresh record (every thread equal).
  init() {}

  /// The share of the next split for each of `threads` threads (summing to 1), or nil when the
  /// split should be equal; ``fixedShares`` when the calling task has one per thread.
  func shares(threads: Int) -> [Double]? {
    if let fixed = Self.fixedShares, fixed.count == threads { return fixed }
    guard Self.enabled, threads >= 2, threads <= Self.maximumThreads else { return nil }
    let w = weights.withLock { Array($0[0..<threads]) }
    let sum = w.reduce(0, +)
    let equal = 1 / Double(threads)
    let raw = w.map { $0 / sum }
    if raw.allSatisfy({ abs($0 - equal) < Self.equalBand }) { return nil }
    return raw.map { ($0 * Self.shareSteps).rounded() / Self.shareSteps }
  }

  /// Folds one region's reports in. Reports of threads that ran nothing, or a region where two
  /// reports name the same thread (run outside the pool), tell nothing and are ignored.
  func record(_ reports: some Collection<PartReport>) {
    guard Self.enabled else { return }
    let valid = reports.filter {
      $0.elements > 0 && $0.nanoseconds > 0 && (0..<Self.maximumThreads).contains($0.thread)
    }
    guard valid.count >= 2, Set(valid.map(\.thread)).count == valid.count else { return }
    let speeds = valid.map { Double($0.elements) / Double($0.nanoseconds) }
    let mean = speeds.reduce(0, +) / Double(speeds.count)
    weights.withLock { w in
      for (report, speed) in zip(valid, speeds) {
        let relative = min(4, max(0.25, speed / mean))
        w[report.thread] += Self.smoothing * (relative - w[report.thread])
      }
    }
  }

  /// Forgets what was recorded (every thread equal again).
  func reset() {
    weights.withLock { $0 = [Double](repeating: 1, count: Self.maximumThreads) }
  }
}

/// What one thread did in one balanced region: how many elements of the range its parts held and
/// how long it took from its first claim to the end of its last part.
struct PartReport {
  /// ``WorkerPool/threadIndex`` of the thread.
  var thread = -1
  /// Elements of the parts it ran.
  var elements = 0
  /// Nanoseconds from its first claim to the end of its last part.
  var nanoseconds: UInt64 = 0
}
