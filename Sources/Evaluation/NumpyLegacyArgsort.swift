/// numpy ≤ 1.24's default `argsort` (`kind='quicksort'`) for floating-point arrays: an introsort
/// whose tie order is what ACT and MOC ran on.
///
/// The algorithm, as numpy's `aquicksort` does it: while a partition has more than 16 elements,
/// take the median of its first, middle and last element as pivot, park the pivot next to the end,
/// partition with two inward scans, push the larger side on a stack and continue with the smaller
/// one; partitions of at most 16 elements are finished by insertion sort. Each partition step
/// spends one unit of a depth budget of `2 * floor(log2 n)`; a partition whose budget is exhausted
/// is heap-sorted. Comparisons are numpy's `a < b || (b != b && a == a)`, which puts NaN last.
public enum NumpyLegacyArgsort {
  /// Indices that sort `values` ascending, in numpy ≤ 1.24 `argsort` order.
  public static func argsort<T: BinaryFloatingPoint>(_ values: [T]) -> [Int] {
    var order = Array(0..<values.count)
    values.withUnsafeBufferPointer { v in
      order.withUnsafeMutableBufferPointer { tosort in
        guard let vBase = v.baseAddress, let tBase = tosort.baseAddress else { return }
        introsort(vBase, tBase, values.count)
      }
    }
    return order
  }

  /// Indices that sort `values` ascending with numpy's heapsort (`argsort(kind="heapsort")`, the
  /// introsort's fallback).
  static func heapsortArgsort<T: BinaryFloatingPoint>(_ values: [T]) -> [Int] {
    var order = Array(0..<values.count)
    values.withUnsafeBufferPointer { v in
      order.withUnsafeMutableBufferPointer { tosort in
        guard let vBase = v.baseAddress, let tBase = tosort.baseAddress else { return }
        heapsort(vBase, tBase, values.count)
      }
    }
    return order
  }

  /// numpy's float comparison: `a < b`, with NaN greater than every number.
  @inline(__always)
  static func lessThan<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Bool {
    a < b || (b != b && a == a)
  }

  /// numpy's `SMALL_QUICKSORT`: partitions spanning more than this many steps are split.
  private static let smallQuicksort = 15

  @inline(__always)
  private static func swap(_ p: UnsafeMutablePointer<Int>, _ i: Int, _ j: Int) {
    let t = p[i]
    p[i] = p[j]
    p[j] = t
  }

  private static func introsort<T: BinaryFloatingPoint>(
    _ v: UnsafePointer<T>, _ tosort: UnsafeMutablePointer<Int>, _ num: Int
  ) {
    guard num > 1 else { return }
    var pl = 0
    var pr = num - 1
    var stack: [(Int, Int, Int)] = []
    var depth = 2 * mostSignificantBit(num)
    while true {
      if depth < 0 {
        heapsort(v, tosort + pl, pr - pl + 1)
      } else {
        while pr - pl > smallQuicksort {
          let pm = pl + ((pr - pl) >> 1)
          if lessThan(v[tosort[pm]], v[tosort[pl]]) { swap(tosort, pm, pl) }
          if lessThan(v[tosort[pr]], v[tosort[pm]]) { swap(tosort, pr, pm) }
          if lessThan(v[tosort[pm]], v[tosort[pl]]) { swap(tosort, pm, pl) }
          let vp = v[tosort[pm]]
          var pi = pl
          var pj = pr - 1
          swap(tosort, pm, pj)
          while true {
            repeat { pi += 1 } while lessThan(v[tosort[pi]], vp)
            repeat { pj -= 1 } while lessThan(vp, v[tosort[pj]])
            if pi >= pj { break }
            swap(tosort, pi, pj)
          }
          swap(tosort, pi, pr - 1)
          depth -= 1
          if pi - pl < pr - pi {
            stack.append((pi + 1, pr, depth))
            pr = pi - 1
          } else {
            stack.append((pl, pi - 1, depth))
            pl = pi + 1
          }
        }
        insertionSort(v, tosort, pl, pr)
      }
      guard let (l, r, d) = stack.popLast() else { break }
      pl = l
      pr = r
      depth = d
    }
  }

  private static func insertionSort<T: BinaryFloatingPoint>(
    _ v: UnsafePointer<T>, _ tosort: UnsafeMutablePointer<Int>, _ pl: Int, _ pr: Int
  ) {
    guard pl < pr else { return }
    for pi in (pl + 1)...pr {
      let vi = tosort[pi]
      let vp = v[vi]
      var pj = pi
      while pj > pl && lessThan(vp, v[tosort[pj - 1]]) {
        tosort[pj] = tosort[pj - 1]
        pj -= 1
      }
      tosort[pj] = vi
    }
  }

  /// numpy's `aheapsort` on `n` indices starting at `tosort` (1-based heap indexing).
  private static func heapsort<T: BinaryFloatingPoint>(
    _ v: UnsafePointer<T>, _ tosort: UnsafeMutablePointer<Int>, _ count: Int
  ) {
    let a = tosort - 1
    // Moves `tmp` down from heap slot `i` until both children are not larger, in a heap of `n`.
    func siftDown(_ tmp: Int, from start: Int, size n: Int) {
      var i = start
      var j = start << 1
      while j <= n {
        if j < n && lessThan(v[a[j]], v[a[j + 1]]) { j += 1 }
        if lessThan(v[tmp], v[a[j]]) {
          a[i] = a[j]
          i = j
          j += j
        } else {
          break
        }
      }
      a[i] = tmp
    }
    var n = count
    var l = n >> 1
    while l > 0 {
      siftDown(a[l], from: l, size: n)
      l -= 1
    }
    while n > 1 {
      let tmp = a[n]
      a[n] = a[1]
      n -= 1
      siftDown(tmp, from: 1, size: n)
    }
  }

  /// `floor(log2 n)` for `n >= 1`, numpy's `npy_get_msb`.
  private static func mostSignificantBit(_ n: Int) -> Int {
    var unum = UInt(n)
    var depth = 0
    unum >>= 1
    while unum > 0 {
      depth += 1
      unum >>= 1
    }
    return depth
  }
}
