import Foundation
import Primitives

/// A minimal PNG writer (RGB8, zlib *stored* blocks, no compression) used by `detect` until the
/// `Rendering` module's libpng writer is available on this branch. Files are ~3 bytes per pixel.
enum PNGEncoder {
  /// The PNG bytes of `image`.
  static func encode(_ image: RGBImage) -> [UInt8] {
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var header: [UInt8] = []
    header += bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
    header += [8, 2, 0, 0, 0]  // 8-bit, truecolour, deflate, adaptive filters, no interlace
    chunk("IHDR", header, into: &out)
    // Raw scanlines, filter byte 0 each.
    let row = image.width * 3
    var raw = [UInt8](repeating: 0, count: (row + 1) * image.height)
    image.pixels.withUnsafeBufferPointer { src in
      for y in 0..<image.height {
        for x in 0..<row { raw[y * (row + 1) + 1 + x] = src[y * row + x] }
      }
    }
    var zlib: [UInt8] = [0x78, 0x01]
    zlib.reserveCapacity(raw.count + raw.count / 65_535 * 5 + 16)
    var offset = 0
    repeat {
      let n = min(65_535, raw.count - offset)
      let final: UInt8 = offset + n == raw.count ? 1 : 0
      zlib += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
      zlib += raw[offset..<(offset + n)]
      offset += n
    } while offset < raw.count
    zlib += bigEndian(adler32(raw))
    chunk("IDAT", zlib, into: &out)
    chunk("IEND", [], into: &out)
    return out
  }

  /// Writes `image` to `path` through a temporary name and a rename.
  static func write(_ image: RGBImage, to path: String) throws {
    let temporary = path + ".partial"
    let url = URL(fileURLWithPath: temporary)
    do {
      try Data(encode(image)).write(to: url)
      if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
      try FileManager.default.moveItem(atPath: temporary, toPath: path)
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw DetectCommandError.write(path: path, detail: "\(error)")
    }
  }

  static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
    out += bigEndian(UInt32(data.count))
    let body = Array(type.utf8) + data
    out += body
    out += bigEndian(crc32(body))
  }

  static func bigEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
  }

  static let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }

  static func adler32(_ bytes: [UInt8]) -> UInt32 {
    var (a, b): (UInt32, UInt32) = (1, 0)
    var i = 0
    while i < bytes.count {
      let end = min(i + 5552, bytes.count)
      for k in i..<end {
        a += UInt32(bytes[k])
        b += a
      }
      a %= 65_521
      b %= 65_521
      i = end
    }
    return (b << 16) | a
  }
}
