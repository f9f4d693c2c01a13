/// An 8-bit RGB image: `height` rows of `width` pixels, 3 bytes per pixel (R, G, B), rows packed
/// with no padding (`pixels.count == width * height * 3`).
///
/// Frames decoded by `Media` arrive as this type at source resolution, and `Rendering` draws on it.
public struct RGBImage: Sendable, Equatable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Row-major RGB bytes; the pixel at `(x, y)` starts at `(y * width + x) * 3`.
  public var pixels: [UInt8]

  /// Creates an image filled with one colour.
  public init(width: Int, height: Int, fill: (r: UInt8, g: UInt8, b: UInt8) = (0, 0, 0)) {
    precondition(width >= 0 && height >= 0, "image size must not be negative")
    self.width = width
    self.height = height
    var p = [UInt8](repeating: 0, count: width * height * 3)
    if fill != (0, 0, 0) {
      for i in stride(from: 0, to: p.count, by: 3) {
        p[i] = fill.r
        p[i + 1] = fill.g
        p[i + 2] = fill.b
      }
    }
    self.pixels = p
  }

  /// Wraps existing bytes; `nil` when `pixels.count != width * height * 3`.
  public init?(width: Int, height: Int, pixels: [UInt8]) {
    guard width >= 0, height >= 0, pixels.count == width * height * 3 else { return nil }
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// The pixel at column `x`, row `y` (both 0-based, inside the image).
  public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
    get {
      let i = (y * width + x) * 3
      return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
    set {
      let i = (y * width + x) * 3
      pixels[i] = newValue.r
      pixels[i + 1] = newValue.g
      pixels[i + 2] = newValue.b
    }
  }
}
