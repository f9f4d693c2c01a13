import Foundation
import Media
import Primitives
import Testing

/// Opening, counting and streaming every sample video in ../shared/data/videos.
@Suite struct VideoReaderTests {
  @Test("size, frame rate and container count", arguments: ExpectedVideo.all)
  func properties(_ expected: ExpectedVideo) throws {
    let reader = try VideoReader(path: TestMedia.video(expected.name))
    #expect(reader.width == expected.width)
    #expect(reader.height == expected.height)
    #expect(abs(reader.frameRate - expected.frameRate) < 1e-9)
    #expect(reader.frameCount == expected.containerFrameCount)
    #expect(reader.path == TestMedia.video(expected.name))
  }

  @Test("streaming decodes exactly ffprobe's frame count", arguments: ExpectedVideo.all)
  func streamsEveryFrame(_ expected: ExpectedVideo) throws {
    let reader = try VideoReader(path: TestMedia.video(expected.name))
    var indices: [Int] = []
    try reader.forEachFrame { index, frame in
      indices.append(index)
      #expect(frame.width == expected.width && frame.height == expected.height)
    }
    #expect(indices == Array(0..<expected.frames))
    #expect(try reader.nextFrame() == nil)  // stays at the end
    #expect(reader.nextFrameIndex == expected.frames)
  }

  @Test("countFrames decodes exactly ffprobe's frame count", arguments: ExpectedVideo.all)
  func countsFrames(_ expected: ExpectedVideo) throws {
    let reader = try VideoReader(path: TestMedia.video(expected.name))
    #expect(try reader.countFrames() == expected.frames)
  }

  @Test("first frame looks like a picture", arguments: ExpectedVideo.all)
  func firstFrameIsSane(_ expected: ExpectedVideo) throws {
    let reader = try VideoReader(path: TestMedia.video(expected.name))
    let frame = try #require(try reader.nextFrame())
    #expect(frame.pixels.count == expected.width * expected.height * 3)
    // Natural images: neither black nor white, and not one flat colour.
    #expect((30...220).contains(frame.meanValue), "mean \(frame.meanValue)")
    #expect(frame.standardDeviation > 10, "standard deviation \(frame.standardDeviation)")
  }

  @Test("odd frame size (63x47 yuv420p): ffmpeg's exact pixels")
  func oddSize() throws {
    let reader = try VideoReader(path: TestMedia.fixture("odd_63x47.avi"))
    #expect(reader.width == 63 && reader.height == 47 && reader.frameCount == 6)
    var frame: RGBImage?
    for _ in 0...3 { frame = try reader.nextFrame() }
    let decoded = try #require(frame)
    let expected = [UInt8](
      try Data(contentsOf: URL(fileURLWithPath: TestMedia.fixture("odd_63x47_f003.rgb24"))))
    #expect(decoded.pixels.count == expected.count)
    #expect(zip(decoded.pixels, expected).filter { $0 != $1 }.count == 0)
    #expect(try reader.countFrames() == 6)
  }

  @Test("countFrames leaves the reading position alone")
  func countingKeepsPosition() throws {
    let path = TestMedia.video("ucf24_v_Basketball_g07_c04.mp4")
    let reader = try VideoReader(path: path)
    for _ in 0..<5 { _ = try reader.nextFrame() }
    #expect(try reader.countFrames() == 101)
    let sixth = try #require(try reader.nextFrame())

    let fresh = try VideoReader(path: path)
    for _ in 0..<5 { _ = try fresh.nextFrame() }
    #expect(try fresh.nextFrame() == sixth)
    #expect(reader.nextFrameIndex == 6)
  }

  @Test("frames are handed over, not kept: the caller's copy is the only reference")
  func framesAreNotRetained() throws {
    let reader = try VideoReader(path: TestMedia.video("arm_wrestling_h264.mp4"))
    for _ in 0..<3 {
      var frame = try #require(try reader.nextFrame())
      let before = frame.pixels.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
      frame.pixels[0] &+= 1  // copies the buffer if anyone else holds it
      let after = frame.pixels.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
      #expect(before == after)
    }
  }

  @Test(
    "PNG frames of every pixel format decode to ffmpeg's exact RGB24 pixels",
    arguments: ["rgb24", "rgba", "gray", "pal8", "rgb48be", "ya8"])
  func decodesPNGFolder(_ format: String) throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.copyItem(
      atPath: TestMedia.fixture("testsrc_16x12_\(format).png"), toPath: folder + "/00001.png")
    let reader = try VideoReader(path: folder, folderFrameRate: 30)
    #expect(reader.width == 16 && reader.height == 12 && reader.frameRate == 30 && reader.frameCount == 1)
    let frame = try #require(try reader.nextFrame())
    let expected = [UInt8](
      try Data(contentsOf: URL(fileURLWithPath: TestMedia.fixture("testsrc_16x12_\(format).rgb24"))))
    let differing = zip(frame.pixels, expected).filter { $0 != $1 }.count
    #expect(frame.pixels.count == expected.count)
    #expect(differing == 0, "\(differing) of \(expected.count) bytes differ")
    #expect(try reader.nextFrame() == nil)
  }
}
