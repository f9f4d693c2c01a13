import CKernelsBF16
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Threads that run the kernels' parallel regions (``Compute/splitRange(_:align:minimum:partsPerThread:balanced:_:)``,
/// ``Compute/parallelFor(_:_:)``), kept awake between regions.
///
/// A forward pass opens one region per layer step: 59 in ResNet-50 to `layer3`, 119 in S3D-G to
/// `Mixed_4e`, many of them under half a millisecond. `DispatchQueue.concurrentPerform` on Linux
/// costs 45–70 µs per two-thread region on these machines (its worker sleeps and is woken each
/// time), which is 7 % of a ResNet pass. Here a worker that has finished its part spins, watching
/// for the next region, for ``spinNanoseconds`` before it sleeps on a condition variable, as ONNX
/// Runtime's pool does: a region then starts in well under a microsecond.
///
/// Iterations are claimed one at a time from a single atomic word that also names the region, so
/// a worker that wakes late (its core taken by another process) finds nothing left to claim and the
/// caller, which claims too, never waits for a worker that has not started: it waits only for
/// iterations in progress. One caller at a time: a region asked for while another thread's region
/// runs, or from inside a region, is not run here (``run(_:threads:_:)`` returns false and the
/// caller takes another route). Which thread runs which iteration never changes a result: the
/// splits' parts are fixed by their range and thread count (balanced splits move their cuts with
/// the threads' speeds only where the results do not depend on them). A worker that starts a
/// region on its caller's CPU moves to another (``spreadsWorkers``).
final class WorkerPool: @unchecked Sendable {
  /// The process-wide pool (workers started on first use).
  static let shared = WorkerPool()

  /// How long an idle worker watches for the next region before it sleeps.
  static let spinNanoseconds: UInt64 = 200_000

  /// Most workers the pool starts (regions wider than this plus the caller are not run here).
  static let maximumWorkers = 63

  /// Most iterations of one region.
  static let maximumIterations = (1 << 20) - 1

  /// Set while a caller owns the pool.
  private let busy = Atomic<Bool>(false)
  /// The current region: its number (16 bits), how many workers may take part (8), its iteration
  /// count (20) and the next unclaimed iteration (20). See ``Claim``.
  private let state = Atomic<UInt64>(0)
  /// Iterations of the current region finished.
  private let done = Atomic<Int>(0)
  /// Whether a worker that finds itself on its caller's CPU at the start of a region moves off it
  /// (`TENSOR_SPREAD_WORKERS=0`: never; to measure without it).
  ///
  /// Some schedulers put a thread that wakes on the CPU of the thread that woke it, or start a new
  /// thread beside its creator: the Firecracker guests' kernel here (`sched_vcpu_pack`) ran the
  /// caller and its worker on one vCPU for the first 60–90 ms of a process, and again after the
  /// worker had slept, while the other vCPU idled. Two threads that wait for each other at every
  /// region then take longer than one: ResNet's layer-3 Winograd 3×3 ran at 2.1–3.0 ms instead of
  /// 1.3 in those stretches.
  static let spreadsWorkers = EnvironmentSwitch.isOn("TENSOR_SPREAD_WORKERS")

  /// The CPU the current region's caller ran on when it opened the region (-1: not looked at).
  private let callerCPU = Atomic<Int>(-1)

  /// How many times a worker has moved off its caller's CPU (``Compute/workerMoves``).
  let moves = Atomic<Int>(0)

  /// Workers asleep on `wake` (or about to be).
  private let sleepers = Atomic<Int>(0)
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  /// The current region's body: written by the owning caller before it publishes the region in
  /// `state`, read only by a thread holding an unfinished iteration of it.
  private var body: ((Int) -> Void)?
  /// Workers started so far (only the owning caller changes it).
  private var workers = 0
  /// The last region number used.
  private var region: UInt64 = 0

  private init() {
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(wake, nil)
  }

  /// Runs `body(i)` for every `i` in `0..<iterations` on the calling thread and up to `threads − 1`
  /// workers, returning when all are done. Returns false without running anything when the pool is
  /// taken (another thread's region, or a region nested in one of its own) or the region is larger
  /// than it handles.
  func run(_ iterations: Int, threads: Int, _ body: (Int) -> Void) -> Bool {
    let helpers = min(threads, iterations) - 1
    guard helpers >= 1, helpers <= Self.maximumWorkers, iterations <= Self.maximumIterations,
      !Self.insideRegion
    else { return false }
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
      return false
    }
    defer { busy.store(false, ordering: .releasing) }
    while workers < helpers { startWorker(workers) }
    withoutActuallyEscaping(body) { escapable in
      self.body = escapable
      done.store(0, ordering: .relaxed)
      region = (region + 1) & 0xFFFF
      callerCPU.store(Self.spreadsWorkers ? Int(ck_current_cpu()) : -1, ordering: .relaxed)
      let open = Claim(region: region, participants: helpers, iterations: iterations, next: 0)
      state.store(open.word, ordering: .sequentiallyConsistent)
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
      }
      Self.$insideRegion.withValue(true) { claim(region: region, worker: nil) }
      // Only iterations other threads hold are left: wait for them (yielding if one of those
      // threads has lost its core).
      var polls = 0
      while done.load(ordering: .acquiring) < iterations {
        polls &+= 1
        if polls > 4096 { sched_yield() }
      }
      self.body = nil
    }
    return true
  }

  /// Whether the calling thread is running an iteration of a region.
  @TaskLocal private static var insideRegion = false

  /// Which of a region's threads the calling thread is: 0 for the caller (any thread outside the
  /// pool), w + 1 for worker w. ``Compute/splitRange(_:align:minimum:partsPerThread:balanced:_:)`` gives each
  /// thread the same parts of every split from it, so that a layer reads what the same thread wrote.
  @TaskLocal static var threadIndex = 0

  /// Claims and runs iterations of region `region` until none are left (or the region has ended,
  /// or `worker` is not one of its participants).
  private func claim(region: UInt64, worker: Int?) {
    while true {
      let word = state.load(ordering: .acquiring)
      let c = Claim(word)
      guard c.region == region, c.next < c.iterations, worker.map({ $0 < c.participants }) ?? true else {
        return
      }
      guard
        state.compareExchange(expected: word, desired: word + 1, ordering: .acquiringAndReleasing).exchanged
      else { continue }
      body?(c.next)
      done.wrappingAdd(1, ordering: .releasing)
    }
  }

  /// Starts worker `index` (its thread lives as long as the process).
  private func startWorker(_ index: Int) {
    let start = WorkerStart(pool: self, index: index, region: region)
    let context = Unmanaged.passRetained(start).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
      &thread, nil,
      { raw in
        let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
        start.pool.serve(worker: start.index, after: start.region)
        return nil
      }, context)
    if status != 0 { fatalError("WorkerPool: pthread_create failed (\(status))") }
    pthread_detach(thread)
    workers += 1
  }

  /// A worker's loop: wait for a new region, claim iterations of it while there are any.
  private func serve(worker index: Int, after first: UInt64) {
    var seen = first
    while true {
      seen = waitForRegion(after: seen)
      moveOffCallerCPU()
      Self.$threadIndex.withValue(index + 1) {
        Self.$insideRegion.withValue(true) { claim(region: seen, worker: index) }
      }
    }
  }

  /// Moves the calling worker to another CPU when it runs on the one its region's caller ran on
  /// (``spreadsWorkers``). The caller published its CPU before the region, so the word read is at
  /// most one region old; a stale one costs at most a needless move.
  private func moveOffCallerCPU() {
    let caller = callerCPU.load(ordering: .relaxed)
    guard caller >= 0, Int(ck_current_cpu()) == caller, ck_move_off_cpu(Int32(caller)) == 1 else { return }
    moves.wrappingAdd(1, ordering: .relaxed)
  }

  /// Spins until a region other than `seen` is published (sleeping after ``spinNanoseconds``);
  /// returns its number.
  private func waitForRegion(after seen: UInt64) -> UInt64 {
    let deadline = Self.now() &+ Self.spinNanoseconds
    var polls = 0
    while true {
      let current = Claim(state.load(ordering: .acquiring)).region
      if current != seen { return current }
      polls &+= 1
      if polls & 255 == 0 && Self.now() > deadline { break }
    }
    pthread_mutex_lock(mutex)
    sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
    while Claim(state.load(ordering: .sequentiallyConsistent)).region == seen {
      pthread_cond_wait(wake, mutex)
    }
    sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    pthread_mutex_unlock(mutex)
    return Claim(state.load(ordering: .acquiring)).region
  }

  /// Monotonic nanoseconds (also ``ClaimedParts``' clock).
  static func now() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
  }
}

/// The pool's state word: region number (bits 48–63), participating workers (40–47), iterations
/// (20–39), next unclaimed iteration (0–19). Claiming adds 1 to the word, so a claim succeeds only
/// against the region the claimer read.
private struct Claim {
  let region: UInt64
  let participants: Int
  let iterations: Int
  let next: Int

  init(region: UInt64, participants: Int, iterations: Int, next: Int) {
    (self.region, self.participants, self.iterations, self.next) = (region, participants, iterations, next)
  }

  init(_ word: UInt64) {
    region = word >> 48
    participants = Int((word >> 40) & 0xFF)
    iterations = Int((word >> 20) & 0xFFFFF)
    next = Int(word & 0xFFFFF)
  }

  var word: UInt64 {
    region << 48 | UInt64(participants) << 40 | UInt64(iterations) << 20 | UInt64(next)
  }
}

/// What a new worker thread needs.
private final class WorkerStart {
  let pool: WorkerPool
  let index: Int
  let region: UInt64
  init(pool: WorkerPool, index: Int, region: UInt64) {
    (self.pool, self.index, self.region) = (pool, index, region)
  }
}
