import Foundation
import Primitives
import Rendering
import Testing

@Suite struct PNGTests {
  func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("png-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func roundTripIsExact() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var image = RGBImage(width: 37, height: 23)
    for i in image.pixels.indices { image.pixels[i] = UInt8(truncatingIfNeeded: i * 7 + i / 3) }
    let path = dir + "/a.png"
    try image.writePNG(to: path)
    #expect(try RGBImage(pngAt: path) == image)
    // Nothing but the PNG is left: the temporary file was renamed.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.png"])
  }

  @Test func unwritableDirectoryIsAClearError() {
    let image = RGBImage(width: 4, height: 4)
    #expect {
      try image.writePNG(to: "/nonexistent-dir/x.png")
    } throws: { error in
      "\(error)".hasPrefix("/nonexistent-dir/x.png: png_image_write_to_file failed")
    }
  }

  @Test func corruptPNGIsAClearError() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/bad.png"
    try Data("not a png".utf8).write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try RGBImage(pngAt: path)
    } throws: { error in
      "\(error)".hasPrefix("\(path): png_image_begin_read_from_file failed")
    }
    // A real PNG cut in half.
    try RGBImage(width: 64, height: 64, fill: (9, 99, 199)).writePNG(to: dir + "/ok.png")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/ok.png"))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
    #expect(throws: RenderingError.self) { _ = try RGBImage(pngAt: path) }
  }

  @Test func emptyImageIsRefused() {
    #expect(throws: RenderingError.invalidImage(path: "/tmp/e.png", width: 0, height: 3)) {
      try RGBImage(width: 0, height: 3).writePNG(to: "/tmp/e.png")
    }
  }
}
