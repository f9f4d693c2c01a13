import CPNG
import Foundation
import Primitives

/// PNG files through libpng's simplified API (`png_image_*`), whose errors come back in the
/// image's `message` field instead of through `setjmp`.
extension RGBImage {
  /// Writes the image as an 8-bit RGB PNG.
  ///
  /// The bytes go to a hidden temporary file beside `path` (`.<name>.tmp-<pid>`), which is then
  /// renamed over `path`; an interrupted run leaves either the old file or the new one, never half
  /// a PNG. The temporary file is removed on failure.
  public func writePNG(to path: String) throws(RenderingError) {
    guard width > 0, height > 0, width <= 65535, height <= 65535 else {
      throw .invalidImage(path: path, width: width, height: height)
    }
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    var image = png_image()
    image.version = cpng_PNG_IMAGE_VERSION
    image.width = png_uint_32(width)
    image.height = png_uint_32(height)
    image.format = cpng_PNG_FORMAT_RGB
    image.flags = cpng_PNG_IMAGE_FLAG_FAST
    let ok = pixels.withUnsafeBytes { raw in
      png_image_write_to_file(&image, temporary, 0, raw.baseAddress, png_int_32(width * 3), nil)
    }
    if ok == 0 {
      let message = Self.message(of: &image)
      png_image_free(&image)
      unlink(temporary)
      throw .png(path: path, call: "png_image_write_to_file", message: message)
    }
    if rename(temporary, path) != 0 {
      let message = String(cString: strerror(errno))
      unlink(temporary)
      throw .system(path: path, call: "rename", message: message)
    }
  }

  /// Reads a PNG file of any colour type and bit depth, converted to 8-bit RGB (alpha dropped).
  public init(pngAt path: String) throws(RenderingError) {
    var image = png_image()
    image.version = cpng_PNG_IMAGE_VERSION
    guard png_image_begin_read_from_file(&image, path) != 0 else {
      let message = Self.message(of: &image)
      png_image_free(&image)
      throw .png(path: path, call: "png_image_begin_read_from_file", message: message)
    }
    image.format = cpng_PNG_FORMAT_RGB
    let w = Int(image.width)
    let h = Int(image.height)
    guard w > 0, h > 0, w <= 65535, h <= 65535 else {
      png_image_free(&image)
      throw .invalidImage(path: path, width: w, height: h)
    }
    var bytes = [UInt8](repeating: 0, count: w * h * 3)
    let ok = bytes.withUnsafeMutableBytes { raw in
      png_image_finish_read(&image, nil, raw.baseAddress, png_int_32(w * 3), nil)
    }
    guard ok != 0 else {
      let message = Self.message(of: &image)
      png_image_free(&image)
      throw .png(path: path, call: "png_image_finish_read", message: message)
    }
    self.init(width: w, height: h, pixels: bytes)!
  }

  /// libpng's message from a failed `png_image_*` call.
  private static func message(of image: inout png_image) -> String {
    withUnsafeBytes(of: &image.message) { raw in
      let bytes = raw.prefix { $0 != 0 }
      let text = String(decoding: bytes, as: UTF8.self)
      return text.isEmpty ? "unknown libpng error" : text
    }
  }
}
