import Foundation
import Tensor

/// `--cases pool_backward`: `MaxPool.backward` alone on the default model's shapes (width 1/4,
/// 192×240 input): the per-ROI tail's branch pools (3×3×3 stride 1 on 5×7×7 ROI tubes), its
/// 2×2×2 stride-2 pool, and the trunk's `Mixed_3` branch pool (3×3×3 stride 1 on 10×24×30).
/// One line per shape with best and median milliseconds over `runs` calls after a warm-up.
enum PoolBackwardBench {
  static func run(runs: Int) {
    let cases: [(String, [Int], MaxPool)] = [
      (
        "tail_branch_pool", [64, 208, 5, 7, 7],
        MaxPool(kernel: [3, 3, 3], stride: [1, 1, 1], padding: .symmetric([1, 1, 1]))
      ),
      (
        "tail_stride2_pool", [64, 208, 5, 7, 7],
        MaxPool(kernel: [2, 2, 2], stride: [2, 2, 2], padding: .same)
      ),
      (
        "trunk_branch_pool", [1, 120, 10, 24, 30],
        MaxPool(kernel: [3, 3, 3], stride: [1, 1, 1], padding: .symmetric([1, 1, 1]))
      ),
    ]
    for (name, shape, pool) in cases {
      let x = randomTensor(shape, stream: "x")
      let dy = randomTensor(pool(x).shape, stream: "dy")
      var times: [Double] = []
      for i in 0...runs {
        let start = Date()
        _ = pool.backward(input: x, outputGradient: dy)
        if i > 0 { times.append(Date().timeIntervalSince(start)) }
      }
      times.sort()
      print(
        "swift case=pool_backward shape=\(name) "
          + String(format: "best_ms=%.2f median_ms=%.2f", times[0] * 1000, times[times.count / 2] * 1000))
    }
  }
}
