import Detection
import Foundation
import Networks
import Tensor

/// `bench-detector --precision-timing ROUNDS`: the paper's keyframe (ResNet-50 to layer3, S3D-G to
/// Mixed_4e on the 20-frame clip, RPN, head A on 300 proposals, post-processing) in fp32 and in
/// bf16, alternating, with the seeded weights and input of the main benchmark.
///
/// Reports wall time and the process's CPU time (`getrusage`, all threads): on a machine loaded by
/// other processes the wall clock mostly measures them, while the CPU time of a fixed amount of work
/// moves much less, so its fp32/bf16 ratio is the load-robust figure of what bf16 buys.
enum PrecisionTiming {
  /// Times `rounds` alternating rounds after one warm-up pass per precision; prints each pass and
  /// the best and median of each precision.
  static func run(threads: Int, rounds: Int) throws {
    Compute.setThreadCount(threads)
    let (detector, clip, keyframe) = try PaperInputs.make()
    let pass = {
      detector.detect(
        keyframeFeature: detector.keyframeFeature(keyframe), mixed4e: detector.contextFeature(clip)
      ).count
    }
    print(
      "paper keyframe (A: per-ROI tail, T kept, 300 proposals), \(threads) threads, fp32 vs bf16 alternating")
    var wall: [ComputePrecision: [Double]] = [:]
    var cpu: [ComputePrecision: [Double]] = [:]
    for round in 0...rounds {
      for precision in ComputePrecision.allCases {
        try Compute.setPrecision(precision)
        let (cpu0, start) = (cpuSeconds(), ContinuousClock.now)
        let found = pass()
        let w = (ContinuousClock.now - start).seconds
        let c = cpuSeconds() - cpu0
        print(
          String(
            format: "%@ %@: wall %7.1f ms, CPU %7.1f ms (%.2f cores), %d detections",
            round == 0 ? "warm-up" : "round \(round)", precision.rawValue, w * 1000, c * 1000, c / w, found))
        if round > 0 {
          wall[precision, default: []].append(w)
          cpu[precision, default: []].append(c)
        }
      }
    }
    try Compute.setPrecision(.fp32)
    func summary(_ v: [Double]) -> (best: Double, median: Double) {
      let s = v.sorted()
      return (s[0], s[s.count / 2])
    }
    for (name, table) in [("wall", wall), ("CPU", cpu)] {
      let (f, b) = (summary(table[.fp32]!), summary(table[.bf16]!))
      print(
        String(
          format:
            "%@: fp32 best %.1f median %.1f ms; bf16 best %.1f median %.1f ms -> bf16 speed-up %.2fx (medians), %.2fx (bests)",
          name, f.best * 1000, f.median * 1000, b.best * 1000, b.median * 1000, f.median / b.median,
          f.best / b.best))
    }
  }

  /// User + system CPU seconds of the process so far.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
      + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
  }
}

extension Duration {
  /// The duration in seconds.
  fileprivate var seconds: Double {
    let (s, attoseconds) = components
    return Double(s) + Double(attoseconds) / 1e18
  }
}
