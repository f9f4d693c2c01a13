/// Comparator networks that move the median of 9 or 25 values to the middle position.
///
/// Each pair `(i, j)` is a compare-exchange: afterwards `v[i] ≤ v[j]`. Applied in order, the
/// 25-value network (99 comparators, N. Devillard's `opt_med25`, after A. Paeth) leaves the
/// median in `v[12]`; the 9-value one (19 comparators, Paeth's `opt_med9`) in `v[4]`. Both are
/// checked on every 0/1 input (the 0-1 principle: a comparator network selects the median of all
/// inputs if it does of all 0/1 inputs) by `MedianNetworkTests`.
enum MedianNetwork {
  /// The 25-value network; the median ends in position 12.
  static let twentyFive: [(UInt8, UInt8)] = [
    (0, 1), (3, 4), (2, 4), (2, 3), (6, 7), (5, 7), (5, 6), (9, 10), (8, 10), (8, 9), (12, 13), (11, 13),
    (11, 12), (15, 16), (14, 16), (14, 15), (18, 19), (17, 19), (17, 18), (21, 22), (20, 22), (20, 21),
    (23, 24), (2, 5), (3, 6), (0, 6), (0, 3), (4, 7), (1, 7), (1, 4), (11, 14), (8, 14), (8, 11), (12, 15),
    (9, 15), (9, 12), (13, 16), (10, 16), (10, 13), (20, 23), (17, 23), (17, 20), (21, 24), (18, 24),
    (18, 21), (19, 22), (8, 17), (9, 18), (0, 18), (0, 9), (10, 19), (1, 19), (1, 10), (11, 20), (2, 20),
    (2, 11), (12, 21), (3, 21), (3, 12), (13, 22), (4, 22), (4, 13), (14, 23), (5, 23), (5, 14), (15, 24),
    (6, 24), (6, 15), (7, 16), (7, 19), (13, 21), (15, 23), (7, 13), (7, 15), (1, 9), (3, 11), (5, 17),
    (11, 17), (9, 17), (4, 10), (6, 12), (7, 14), (4, 6), (4, 7), (12, 14), (10, 14), (6, 7), (10, 12),
    (6, 10), (6, 17), (12, 17), (7, 17), (7, 10), (12, 18), (7, 12), (10, 18), (12, 20), (10, 20), (10, 12),
  ]

  /// The 9-value network; the median ends in position 4.
  static let nine: [(UInt8, UInt8)] = [
    (1, 2), (4, 5), (7, 8), (0, 1), (3, 4), (6, 7), (1, 2), (4, 5), (7, 8), (0, 3), (5, 8), (4, 7),
    (3, 6), (1, 4), (2, 5), (4, 7), (4, 2), (6, 4), (4, 2),
  ]

  /// Applies `network` to the vectors at `values`, lane by lane.
  @inline(__always)
  static func apply(
    _ network: UnsafeBufferPointer<(UInt8, UInt8)>, to values: UnsafeMutablePointer<SIMD8<Float>>
  ) {
    for (i, j) in network {
      let a = values[Int(i)]
      let b = values[Int(j)]
      // Written out: the standard library's generic pointwiseMin/Max are calls here, not vminps.
      let swap = b .< a
      values[Int(i)] = a.replacing(with: b, where: swap)
      values[Int(j)] = b.replacing(with: a, where: swap)
    }
  }
}
