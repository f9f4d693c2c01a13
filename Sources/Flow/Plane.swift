/// A float image with zero margins, the storage of every TV-L1 buffer.
///
/// Rows are `stride` floats apart: `paddedWidth` floats (the pixels, then padding up to a multiple
/// of 8, so 8-wide vector loops need no scalar tail), then an 8-float margin that reads as column
/// −1 of the next row. One zero row lies above row 0 and one below the last row. Kernels keep the
/// padding at zero unless they say otherwise; the margins are never written.
final class Plane {
  /// Width in pixels.
  let width: Int
  /// Height in pixels.
  let height: Int
  /// Floats from one row to the next (a multiple of 8).
  let stride: Int
  /// `width` rounded up to a multiple of 8: where row-wise vector loops stop.
  let paddedWidth: Int
  private let base: UnsafeMutablePointer<Float>
  private let count: Int

  /// A zeroed `width` × `height` plane.
  init(width: Int, height: Int) {
    precondition(width > 0 && height > 0, "plane size must be positive")
    self.width = width
    self.height = height
    paddedWidth = (width + 7) / 8 * 8
    stride = paddedWidth + 8
    count = (height + 2) * stride + 8
    let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: count)
    base.initialize(repeating: 0, count: count)
  }

  deinit {
    base.deallocate()
  }

  /// The first pixel of row `y`; `y` may be −1 (the zero row above) or `height` (the zero row below).
  @inline(__always)
  func row(_ y: Int) -> UnsafeMutablePointer<Float> {
    base + (y + 1) * stride + 8
  }

  /// Sets every pixel, padding included, to zero.
  func zero() {
    base.update(repeating: 0, count: count)
  }
}

/// Loads and stores of 8 floats at any address (rows are 32-byte aligned only at column 0).
extension UnsafeMutablePointer where Pointee == Float {
  /// The 8 floats starting at `self + offset`.
  @inline(__always)
  func load8(_ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Float>.self)
  }

  /// Writes `value` to the 8 floats starting at `self + offset`.
  @inline(__always)
  func store8(_ value: SIMD8<Float>, _ offset: Int) {
    UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: SIMD8<Float>.self)
  }
}
