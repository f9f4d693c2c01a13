import Foundation
import Primitives
import Testing

@testable import Media

/// Folders of numbered frames: which files count and in which order.
@Suite struct FrameFolderTests {
  @Test("frames are ordered by the number in the name, other files ignored")
  func ordersByNumber() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let source = TestMedia.video("jpeg_frames")
    // name in the folder ← source image; sorted by number: 9, 10, 100 (not by text: 10, 100, 9).
    let layout = [
      "frame_10.jpg": "img_00002.jpg", "frame_100.JPEG": "img_00003.jpg", "frame_9.jpg": "img_00001.jpg",
    ]
    for (name, image) in layout {
      try FileManager.default.copyItem(atPath: source + "/" + image, toPath: folder + "/" + name)
    }
    try Data("not a frame".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
    try Data("no number".utf8).write(to: URL(fileURLWithPath: folder + "/cover.jpg"))

    let reader = try VideoReader(path: folder)
    #expect(reader.frameCount == 3)
    let original = try VideoReader(path: source)
    var index = 0
    while let frame = try reader.nextFrame() {
      #expect(frame == (try original.nextFrame()), "frame \(index)")
      index += 1
    }
    #expect(index == 3)
  }

  @Test("image names with and without prefixes are numbered")
  func acceptsNumberedNames() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for name in ["00002.png", "00001.png"] {
      try FileManager.default.copyItem(
        atPath: TestMedia.fixture("testsrc_16x12_rgb24.png"), toPath: folder + "/" + name)
    }
    let reader = try VideoReader(path: folder + "/")
    #expect(try reader.countFrames() == 2)
  }

  @Test("frame numbers come from the digits before the extension")
  func frameNumbers() {
    #expect(FrameFolder.frameNumber(of: "img_00001.jpg") == 1)
    #expect(FrameFolder.frameNumber(of: "00042.png") == 42)
    #expect(FrameFolder.frameNumber(of: "frame-7.JPEG") == 7)
    #expect(FrameFolder.frameNumber(of: "v2_frame10.jpg") == 10)
    #expect(FrameFolder.frameNumber(of: "cover.jpg") == nil)
    #expect(FrameFolder.frameNumber(of: "00001.txt") == nil)
    #expect(FrameFolder.frameNumber(of: "00001") == nil)
    #expect(FrameFolder.frameNumber(of: ".00001.png") == nil)
    #expect(FrameFolder.frameNumber(of: "99999999999999999999999.png") == nil)
  }
}
