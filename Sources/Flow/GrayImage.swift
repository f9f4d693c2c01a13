import Primitives

/// An 8-bit grayscale image: `height` rows of `width` bytes, packed.
///
/// Frames go to TV-L1 as this type. ``init(_:)`` converts RGB exactly as OpenCV 5.1's
/// `cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)` (its IPP path) does on 8-bit input:
/// `Y = (9798 R + 19235 G + 3735 B + 16384) >> 15`, the BT.601 weights 0.299, 0.587, 0.114 in
/// 15-bit fixed point, rounded half up.
public struct GrayImage: Sendable, Equatable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Row-major bytes; pixel `(x, y)` is `pixels[y * width + x]`.
  public var pixels: [UInt8]

  /// Wraps existing bytes; `nil` unless `pixels.count == width * height`.
  public init?(width: Int, height: Int, pixels: [UInt8]) {
    guard width >= 0, height >= 0, pixels.count == width * height else { return nil }
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// Wraps bytes whose count the caller has made `width * height`.
  init(width: Int, height: Int, checkedPixels: [UInt8]) {
    precondition(checkedPixels.count == width * height, "pixel count must be width * height")
    self.width = width
    self.height = height
    pixels = checkedPixels
  }

  /// The luma of an RGB image (OpenCV's `COLOR_RGB2GRAY` on 8-bit input, bit for bit).
  public init(_ image: RGBImage) {
    width = image.width
    height = image.height
    let count = image.width * image.height
    pixels = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
      image.pixels.withUnsafeBufferPointer { rgb in
        for i in 0..<count {
          let r = UInt32(rgb[3 * i])
          let g = UInt32(rgb[3 * i + 1])
          let b = UInt32(rgb[3 * i + 2])
          out[i] = UInt8(truncatingIfNeeded: (9798 * r + 19235 * g + 3735 * b + 16384) >> 15)
        }
      }
      initialized = count
    }
  }
}
