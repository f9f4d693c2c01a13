import Foundation
import Tensor

/// `bench-trunks --bf16-gemm`: the bf16 GEMM against OpenBLAS `sgemm` on one thread, on shapes of
/// the trunks' and the head's convolutions, alternating the two.
///
/// Timed in the process's CPU time (`getrusage`), best of `rounds`: on a loaded machine the wall
/// clock mostly measures the other processes, CPU time much less so.
enum GemmBench {
  /// (m, n, k): 1×1 convolutions (m out channels, n positions, k in channels), im2col (k = c·kh·kw),
  /// Winograd GEMMs (n tiles).
  static let shapes: [(String, Int, Int, Int)] = [
    ("r50 layer1 1x1 64->256, 2 MB chunk", 256, 2048, 64),
    ("r50 layer3 1x1 1024->256", 256, 500, 1024),
    ("r50 layer3 1x1 256->1024", 1024, 500, 256),
    ("s3dg 3x7x7 stem im2col", 64, 4000, 441),
    ("s3dg Mixed_3c 1x1x1 256->128", 128, 4000, 256),
    ("s3dg Mixed_4e Winograd 1x3x3 144->288", 288, 300, 144),
    ("head ROI tubes Winograd 160->320", 320, 1500, 160),
    ("head Mixed_5c 1x1x1 832->384", 384, 2450, 832),
  ]

  /// Prints GFLOP/s of each precision and their ratio per shape.
  static func run(rounds: Int) {
    print("bf16 GEMM vs OpenBLAS sgemm, 1 thread, process CPU time, best of \(rounds) (alternating)")
    print("shape                                      m      n      k    sgemm GF/s   bf16 GF/s   bf16/sgemm")
    for (name, m, n, k) in shapes {
      var a = [Float](repeating: 0, count: m * k)
      var b = [Float](repeating: 0, count: k * n)
      for i in a.indices { a[i] = Float(i % 7) * 0.01 - 0.03 }
      for i in b.indices { b[i] = Float(i % 5) * 0.02 - 0.04 }
      var c = [Float](repeating: 0, count: m * n)
      let flops = 2 * Double(m * n * k)
      let repeats = max(1, Int(2e9 / flops))
      var best: [ComputePrecision: Double] = [:]
      for _ in 0..<rounds {
        for precision in ComputePrecision.allCases {
          let seconds = cpuSeconds {
            for _ in 0..<repeats {
              Compute.withThreadCount(1, precision: precision) {
                Compute.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
              }
            }
          }
          best[precision] = min(best[precision] ?? .infinity, seconds / Double(repeats))
        }
      }
      let (s, h) = (flops / best[.fp32]! / 1e9, flops / best[.bf16]! / 1e9)
      print(
        String(
          format: "%@ %5d  %5d  %5d  %11.1f  %10.1f  %10.2fx",
          name.padding(toLength: 40, withPad: " ", startingAt: 0),
          m, n, k, s, h, h / s))
    }
  }

  /// CPU seconds of the process (all threads: `Compute.gemm` may hand parts to workers) during `body`.
  static func cpuSeconds(_ body: () -> Void) -> Double {
    func now() -> Double {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    let start = now()
    body()
    return now() - start
  }
}
