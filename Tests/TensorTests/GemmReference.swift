/// The fp64 reference the GEMM kernel tests compare against.
enum GemmReference {
  /// Largest `|got(i, j) − reference| / bound` over an m×n result (1 or less passes), with the
  /// reference `Σ_p product(i, j, p) + beta · c(i, j)` in fp64 and
  /// `bound = scale · (Σ_p |product| + |beta · c|)`.
  static func worstError(
    m: Int, n: Int, k: Int, beta: Float, scale: Double, got: (Int, Int) -> Float, c: (Int, Int) -> Float,
    product: (Int, Int, Int) -> Double
  ) -> Double {
    var worst = 0.0
    for i in 0..<m {
      for j in 0..<n {
        var sum = Double(beta) * Double(c(i, j))
        var magnitude = abs(sum)
        for p in 0..<k {
          let term = product(i, j, p)
          sum += term
          magnitude += abs(term)
        }
        worst = max(worst, abs(Double(got(i, j)) - sum) / max(scale * magnitude, 1e-30))
      }
    }
    return worst
  }
}
