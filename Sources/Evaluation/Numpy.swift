/// numpy's elementwise `maximum`/`minimum` and `argmax` on floating-point values, with numpy's NaN
/// rules, for code that reproduces numpy scripts.
enum Numpy {
  /// `np.maximum(a, b)`: `a` when `a >= b` or `a` is NaN, else `b` (a NaN in either propagates).
  @inline(__always)
  static func maximum<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T { (a >= b || a.isNaN) ? a : b }

  /// `np.minimum(a, b)`: `a` when `a <= b` or `a` is NaN, else `b` (a NaN in either propagates).
  @inline(__always)
  static func minimum<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T { (a <= b || a.isNaN) ? a : b }

  /// `np.argmax` over `count > 0` values given by `value`: the first index of the largest value, or
  /// of the first NaN when there is one.
  @inline(__always)
  static func argmax<T: BinaryFloatingPoint>(count: Int, _ value: (Int) -> T) -> Int {
    var best = 0
    var top = value(0)
    if top.isNaN { return 0 }
    var k = 1
    while k < count {
      let v = value(k)
      if !(v <= top) {
        if v.isNaN { return k }
        best = k
        top = v
      }
      k += 1
    }
    return best
  }
}
