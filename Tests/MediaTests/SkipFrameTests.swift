import Media
import Primitives
import Testing

/// `VideoReader.skipFrame()`: frames after skipped ones are the frames a full read returns.
@Suite struct SkipFrameTests {
  @Test(arguments: ["jpeg_frames", "applyeyemakeup_mpeg4.avi"])
  func framesAfterSkippedOnesAreUnchanged(name: String) throws {
    let full = try VideoReader(path: TestMedia.video(name))
    var expected: [RGBImage] = []
    for _ in 0..<6 { expected.append(try #require(try full.nextFrame())) }

    let skipping = try VideoReader(path: TestMedia.video(name))
    for _ in 0..<4 { #expect(try skipping.skipFrame()) }
    #expect(skipping.nextFrameIndex == 4)
    #expect(try skipping.nextFrame() == expected[4])
    #expect(try skipping.nextFrame() == expected[5])
  }

  @Test func skippingPastTheEndReturnsFalse() throws {
    let reader = try VideoReader(path: TestMedia.video("jpeg_frames"))
    for _ in 0..<10 { #expect(try reader.skipFrame()) }
    #expect(try !reader.skipFrame())
    #expect(try reader.nextFrame() == nil)
  }
}
