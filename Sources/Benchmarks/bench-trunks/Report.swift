import Foundation
import Tensor

/// Timings of one network: the best whole run, and per-kind totals of the profiled runs.
struct NetworkReport {
  var name: String
  var bestSeconds: Double
  var medianSeconds: Double
  var kinds: [(String, Profile.Entry)]
  var gemmShapes: [GemmShape]
  /// Raw sgemm GFLOP/s per kind, measured between the profiled runs.
  var sgemm: [String: Double]
  var peakMemoryMB: Double?
  /// Times a worker moved off its caller's CPU during the rounds, warm-ups included
  /// (``Compute/workerMoves``).
  var workerMoves = 0

  /// Prints the per-kind table with sgemm and ONNX Runtime ratios.
  func print(ort: OrtResults, sgemmRuns: Int) {
    Swift.print("\n== \(name): best \(ms(bestSeconds)) ms, median \(ms(medianSeconds)) ms", terminator: "")
    if let o = ort.summary[name] {
      Swift.print(
        String(
          format:
            "   | ONNX Runtime best %.1f ms, median %.1f ms -> ratio %.2fx (best/best), %.2fx (medians)",
          o.best, o.median, o.best / (bestSeconds * 1000), o.median / (medianSeconds * 1000)),
        terminator: "")
    }
    Swift.print("")
    if let peak = peakMemoryMB {
      Swift.print(String(format: "   peak RSS of the process over the timed runs: %.0f MB", peak))
    }
    Swift.print(
      "   a worker moved off its caller's CPU \(workerMoves) times over the rounds (warm-ups included)")
    Swift.print(
      "   kind              calls       ms   GFLOP  GFLOP/s  sgemm GF/s  %sgemm    ORT ms  ORT/ours")
    let total = kinds.reduce(0) { $0 + $1.1.seconds }
    for (kind, e) in kinds {
      let gf = e.flops / 1e9
      let rate = e.seconds > 0 ? gf / e.seconds : 0
      var line = String(
        format: "   %@ %6d %8.2f %7.2f %8.1f",
        kind.padding(toLength: max(16, kind.count), withPad: " ", startingAt: 0),
        e.calls, e.seconds * 1000, gf,
        rate)
      if let s = sgemm[kind] {
        line += String(format: "  %10.1f  %5.0f%%", s, 100 * rate / s)
      } else {
        line += String(repeating: " ", count: 19)
      }
      if let o = ort.kinds[name]?[kind] {
        line += String(format: "  %8.1f  %7.2f", o, o / (e.seconds * 1000))
      }
      Swift.print(line)
    }
    Swift.print(
      String(format: "   total                   %8.1f   (sum of per-layer timings)", total * 1000))
  }
}

/// `seconds` as milliseconds with one decimal.
func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }

/// Times a network (``alternate(name:options:session:_:)``), with ONNX Runtime on `ortName` when a
/// peer runs, then profiles it per layer; returns the report.
func runNetwork(
  name: String, ortName: String, options: BenchOptions, peer: PeerRunner?, ort: inout OrtResults,
  _ body: (Profile) -> Tensor
) -> NetworkReport {
  let profile = Profile()
  profile.enabled = false
  let movesBefore = Compute.workerMoves
  let runs = alternate(name: name, model: ortName, options: options, peer: peer) { body(profile).shape }
  let moves = Compute.workerMoves - movesBefore
  // Peak resident set of the timed runs (the profiled runs below add the sgemm reference buffers).
  let peak = peakMemoryMB()
  if let summary = runs.peerSummary { ort.summary[ortName] = summary }
  profile.enabled = true
  var kinds: [String: Profile.Entry] = [:]
  var order: [String] = []
  var sgemm: [String: Double] = [:]
  for _ in 0..<max(1, options.profileRuns) {
    waitForIdle(options.waitIdle)
    // One unprofiled pass first: the sgemm reference below is the best of back-to-back calls, so
    // the profiled layers are measured warm too (after the idle wait the first layer ran ~25 %
    // slower from cold caches, whatever its kernel; see eval/BENCHMARKS.md, the stem section).
    profile.enabled = false
    _ = body(profile)
    profile.enabled = true
    profile.reset()
    _ = body(profile)
    // The reference right after, so both see the same load; keep the fastest of each.
    if options.sgemmRuns > 0 {
      sgemm.merge(SgemmReference.measure(profile.gemmShapes, runs: options.sgemmRuns)) { max($0, $1) }
    }
    for k in profile.order {
      if kinds[k] == nil { order.append(k) }
      let e = profile.entries[k]!
      // Keep the fastest run of each kind.
      if kinds[k] == nil || e.seconds < kinds[k]!.seconds { kinds[k] = e }
    }
  }
  return NetworkReport(
    name: name, bestSeconds: runs.bestSeconds, medianSeconds: runs.medianSeconds,
    kinds: order.map { ($0, kinds[$0]!) }, gemmShapes: profile.gemmShapes, sgemm: sgemm, peakMemoryMB: peak,
    workerMoves: moves)
}

/// How many untimed runs each side makes before each round of timed runs: enough of ours to fill
/// `seconds` (at least one), from the time of one run of `body` made here; both sides make the same
/// number.
///
/// Why: after the idle wait before a round, this machine runs our first second of runs slow (ResNet
/// to layer3, medians of 6 rounds of 3 runs: 88–95 ms after one warm-up run, 72–89 ms after twelve).
/// When the peer ran as a new process each round, its timed runs also followed a second of busy
/// CPU (importing onnxruntime).
func roundWarmupRuns(seconds: Double, name: String, _ body: () -> Void) -> Int {
  guard seconds > 0 else { return 1 }
  let start = ContinuousClock.now
  body()
  let one = (ContinuousClock.now - start).seconds
  let runs = max(1, min(100, Int((seconds / max(one, 1e-6)).rounded(.up))))
  let budget = String(format: "%.1f s of ours at %@ ms a run", seconds, ms(one))
  print("\(name): each side makes \(runs) untimed runs before each round (\(budget))")
  return runs
}

/// Waits up to `seconds` for a second in which the machine is at least 85 % idle; returns true.
@discardableResult
func waitForIdle(_ seconds: Double) -> Bool {
  guard seconds > 0 else { return true }
  let deadline = ContinuousClock.now + .seconds(seconds)
  while ContinuousClock.now < deadline {
    let load = MachineLoad()
    Thread.sleep(forTimeInterval: 1)
    if load.othersCores(wall: 1) < 0.3 { return true }
  }
  print("(machine never idle for \(Int(seconds)) s; measuring anyway)")
  return true
}

/// Raw `cblas_sgemm` throughput on the convolutions' own GEMM shapes.
enum SgemmReference {
  /// GFLOP/s per kind: total FLOPs of its shapes over the total best time of one sgemm per shape.
  static func measure(_ shapes: [GemmShape], runs: Int) -> [String: Double] {
    var flops: [String: Double] = [:]
    var seconds: [String: Double] = [:]
    for s in shapes {
      let n = min(s.n, 65536)
      let a = UnsafeMutablePointer<Float>.allocate(capacity: s.m * s.k)
      let b = UnsafeMutablePointer<Float>.allocate(capacity: s.k * n)
      let c = UnsafeMutablePointer<Float>.allocate(capacity: s.m * n)
      a.initialize(repeating: 0.01, count: s.m * s.k)
      b.initialize(repeating: 0.02, count: s.k * n)
      var best = Double.infinity
      for _ in 0..<(runs + 1) {
        let start = ContinuousClock.now
        Compute.openBLASGemm(m: s.m, n: n, k: s.k, a: a, lda: s.k, b: b, ldb: n, c: c, ldc: n)
        best = min(best, (ContinuousClock.now - start).seconds)
      }
      a.deallocate()
      b.deallocate()
      c.deallocate()
      // Let OpenBLAS's spinning idle threads go to sleep before anything else is timed.
      Thread.sleep(forTimeInterval: 0.15)
      flops[s.kind, default: 0] += 2 * Double(s.m * n * s.k)
      seconds[s.kind, default: 0] += best
    }
    return flops.mapValues { $0 / 1e9 }.merging(seconds) { f, t in f / t }
  }
}

/// CPU used by other processes during an interval: machine busy time (`/proc/stat`) minus ours.
struct MachineLoad {
  let busy = MachineLoad.machineBusySeconds()
  let own = MachineLoad.ownSeconds()

  /// Average number of cores other processes kept busy since `init`.
  func othersCores(wall: Double) -> Double {
    let others = (Self.machineBusySeconds() - busy) - (Self.ownSeconds() - own)
    return max(0, others) / max(wall, 1e-9)
  }

  private static func machineBusySeconds() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
      let line = stat.split(separator: "\n").first
    else { return 0 }
    let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard v.count >= 8 else { return 0 }
    let total = v[0..<8].reduce(0, +)
    return (total - v[3] - v[4]) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }

  private static func ownSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let u = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    return u + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
  }
}

/// Minor page faults of the process so far.
func minorFaults() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_minflt
}

/// Resets the process's peak resident set size (Linux `clear_refs` 5).
func resetPeakMemory() {
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// Peak resident set size (`VmHWM`) in MB.
func peakMemoryMB() -> Double? {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = line.split(separator: " ").compactMap { Double($0) }.first
    return kb.map { $0 / 1024 }
  }
  return nil
}

/// The median of `values` (the upper one of an even count), which must not be empty.
func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted[sorted.count / 2]
}
