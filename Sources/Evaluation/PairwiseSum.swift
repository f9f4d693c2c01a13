/// numpy's pairwise summation (`np.sum` / `np.add.reduce` on a contiguous 1-D array), reproduced
/// bit for bit for `Float` and `Double`.
///
/// Fewer than 8 terms are added in sequence from 0; up to 128 terms use 8 interleaved accumulators
/// combined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))` followed by the remainder; longer arrays are split
/// at `n/2` rounded down to a multiple of 8 and summed recursively. The result is `0 + pairwise(all)`.
enum PairwiseSum {
  /// The numpy sum of `values`.
  static func sum<T: BinaryFloatingPoint>(_ values: [T]) -> T {
    values.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return 0 }
      return 0 + block(base, buffer.count)
    }
  }

  private static func block<T: BinaryFloatingPoint>(_ a: UnsafePointer<T>, _ n: Int) -> T {
    if n < 8 {
      var res: T = 0
      for i in 0..<n { res += a[i] }
      return res
    }
    if n <= 128 {
      var r0 = a[0]
      var r1 = a[1]
      var r2 = a[2]
      var r3 = a[3]
      var r4 = a[4]
      var r5 = a[5]
      var r6 = a[6]
      var r7 = a[7]
      var i = 8
      let end = n - n % 8
      while i < end {
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
      }
      var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n {
        res += a[i]
        i += 1
      }
      return res
    }
    var n2 = n / 2
    n2 -= n2 % 8
    return block(a, n2) + block(a + n2, n - n2)
  }
}
