import Flow
import Primitives
import Testing

/// RGB → grey equals OpenCV 5.1's `cvtColor(RGB2GRAY)` on a real patch (fixture by
/// `tools/make_flow_fixtures.py`), and the stated formula on a few values.
@Suite struct GrayImageTests {
  @Test func matchesOpenCVOnARealPatch() throws {
    let rgb = try FlowFixtures.bytes("gray_patch.rgb24")
    let expected = try FlowFixtures.bytes("gray_patch.u8")
    let image = try #require(RGBImage(width: 64, height: 32, pixels: rgb))
    #expect(GrayImage(image).pixels == expected)
  }

  @Test func formula() throws {
    let image = try #require(RGBImage(width: 3, height: 1, pixels: [255, 255, 255, 138, 167, 72, 0, 0, 0]))
    // (9798 · 138 + 19235 · 167 + 3735 · 72 + 16384) >> 15 = 148 (the float formula gives 147.499).
    #expect(GrayImage(image).pixels == [255, 148, 0])
  }
}
