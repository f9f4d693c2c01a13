import Foundation
import Tensor

/// One representative convolution per layer kind, timed against raw `cblas_sgemm` on the same
/// GEMM shape, alternating the two so machine noise hits both alike.
enum LayerBench {
  /// A layer to time: name, input shape, output channels, kernel, stride, padding.
  struct Spec {
    var name: String
    var input: [Int]
    var out: Int
    var kernel: [Int]
    var stride: [Int]
    var padding: Padding
  }

  static let specs: [Spec] = [
    Spec(
      name: "r50 conv1 7x7 s2", input: [1, 3, 320, 400], out: 64, kernel: [7, 7], stride: [2, 2],
      padding: .symmetric([3, 3])),
    Spec(
      name: "r50 layer1 3x3", input: [1, 64, 80, 100], out: 64, kernel: [3, 3], stride: [1, 1],
      padding: .symmetric([1, 1])),
    Spec(
      name: "r50 layer1 1x1 64->256", input: [1, 64, 80, 100], out: 256, kernel: [1, 1], stride: [1, 1],
      padding: .valid),
    Spec(
      name: "r50 layer3 3x3", input: [1, 256, 20, 25], out: 256, kernel: [3, 3], stride: [1, 1],
      padding: .symmetric([1, 1])),
    Spec(
      name: "r50 layer2 1x1 s2", input: [1, 256, 80, 100], out: 512, kernel: [1, 1], stride: [2, 2],
      padding: .valid),
    Spec(
      name: "r50 layer2 3x3 s2", input: [1, 128, 80, 100], out: 128, kernel: [3, 3], stride: [2, 2],
      padding: .symmetric([1, 1])),
    Spec(
      name: "r50 layer3 3x3 s2", input: [1, 256, 40, 50], out: 256, kernel: [3, 3], stride: [2, 2],
      padding: .symmetric([1, 1])),
    Spec(
      name: "s3dg conv1 3x7x7 s2", input: [1, 3, 20, 320, 400], out: 64, kernel: [3, 7, 7],
      stride: [2, 2, 2], padding: .same),
    Spec(
      name: "s3dg 2b 1x1x1", input: [1, 64, 10, 80, 100], out: 64, kernel: [1, 1, 1], stride: [1, 1, 1],
      padding: .same),
    Spec(
      name: "s3dg 2c 1x3x3", input: [1, 64, 10, 80, 100], out: 192, kernel: [1, 3, 3], stride: [1, 1, 1],
      padding: .same),
    Spec(
      name: "s3dg 2c 3x1x1", input: [1, 192, 10, 80, 100], out: 192, kernel: [3, 1, 1], stride: [1, 1, 1],
      padding: .same),
    Spec(
      name: "s3dg 3c 1x3x3", input: [1, 128, 10, 40, 50], out: 192, kernel: [1, 3, 3], stride: [1, 1, 1],
      padding: .same),
    Spec(
      name: "s3dg 4e 1x3x3", input: [1, 144, 5, 20, 25], out: 288, kernel: [1, 3, 3], stride: [1, 1, 1],
      padding: .same),
    Spec(
      name: "s3dg 4e 3x1x1", input: [1, 288, 5, 20, 25], out: 288, kernel: [3, 1, 1], stride: [1, 1, 1],
      padding: .same),
    Spec(
      name: "s3dg 3b 1x1x1 192->96", input: [1, 192, 10, 40, 50], out: 96, kernel: [1, 1, 1],
      stride: [1, 1, 1], padding: .same),
  ]

  /// Times every spec (or those whose name contains `filter`) `runs` times each (at least once) after
  /// `warmup` untimed runs, keeping the best, alternating with sgemm unless `sgemm` is false
  /// (`--sgemm-runs 0`: OpenBLAS's threads, which spin between calls, then never run beside ours).
  static func run(runs: Int, warmup: Int = 1, filter: String?, waitIdle: Double = 0, sgemm: Bool = true) {
    print("   layer                        M      N      K    ours ms  GF/s   sgemm ms  GF/s   %sgemm")
    for s in specs where filter.map({ s.name.contains($0) }) ?? true {
      waitForIdle(waitIdle)
      var w = WeightSource()
      let conv = w.conv(s.input[1], s.out, kernel: s.kernel, stride: s.stride, padding: s.padding)
      let x = w.tensor(s.input, fanIn: 3)
      let outShape = conv.outputShape(for: s.input)
      let (m, n, k) = (s.out, outShape.dropFirst(2).reduce(1, *), s.input[1] * s.kernel.reduce(1, *))
      let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
      let b = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
      let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
      a.initialize(repeating: 0.01, count: m * k)
      b.initialize(repeating: 0.02, count: k * n)
      var ours = Double.infinity
      var raw = Double.infinity
      // Untimed runs of ours first (`--warmup`): the weights are packed on the first, and the
      // worker pool's threads started.
      for _ in 0..<warmup { _ = conv(x) }
      for _ in 0..<max(1, runs) {
        var start = ContinuousClock.now
        _ = conv(x)
        ours = min(ours, (ContinuousClock.now - start).seconds)
        guard sgemm else { continue }
        start = ContinuousClock.now
        Compute.openBLASGemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
        raw = min(raw, (ContinuousClock.now - start).seconds)
        // OpenBLAS's idle threads spin (sched_yield) for a while after a threaded call; let them
        // go to sleep so they don't take cores from the next measurement of ours.
        Thread.sleep(forTimeInterval: 0.15)
      }
      a.deallocate()
      b.deallocate()
      c.deallocate()
      let gf = 2 * Double(m * n * k) / 1e9
      print(
        String(
          format: "   %@ %6d %6d %6d  %8.2f %5.0f   %@",
          s.name.padding(toLength: 24, withPad: " ", startingAt: 0), m, n, k, ours * 1000, gf / ours,
          sgemm
            ? String(format: "%8.2f %5.0f   %5.0f%%", raw * 1000, gf / raw, 100 * raw / ours)
            : "(sgemm not run)"))
    }
  }
}
