import Primitives
import Rendering
import Testing

@Suite struct DrawingTests {
  let red = Colour(255, 0, 0)

  @Test func strokeBoxPaintsExactlyTheEdges() {
    var image = RGBImage(width: 20, height: 20)
    image.strokeBox(Box(x1: 2, y1: 3, x2: 10, y2: 12), colour: red, thickness: 2)
    func isRed(_ x: Int, _ y: Int) -> Bool { image[x, y] == (255, 0, 0) }
    #expect(isRed(2, 3) && isRed(3, 4) && isRed(10, 12) && isRed(9, 11))
    #expect(isRed(6, 3) && isRed(6, 4) && !isRed(6, 5))  // top edge, 2 rows
    #expect(isRed(2, 8) && isRed(3, 8) && !isRed(4, 8))  // left edge, 2 columns
    #expect(!isRed(1, 3) && !isRed(11, 12) && !isRed(6, 13))  // nothing outside the box
    #expect(!isRed(6, 8))  // interior untouched
  }

  @Test func boxesOutsideOrBrokenNeverTrap() {
    var image = RGBImage(width: 16, height: 8)
    let before = image
    image.strokeBox(Box(x1: 100, y1: 100, x2: 200, y2: 200), colour: red)
    image.strokeBox(Box(x1: 10, y1: 10, x2: 2, y2: 2), colour: red)
    image.strokeBox(Box(x1: .nan, y1: 0, x2: 5, y2: 5), colour: red)
    image.strokeBox(Box(x1: -.infinity, y1: 0, x2: .infinity, y2: 5), colour: red)
    image.drawLabelledBox(Box(x1: 1e30, y1: -1e30, x2: 2e30, y2: 1e30), text: "x", colour: red)
    #expect(image == before)
  }

  @Test func partlyOutsideBoxDrawsOnlyInsideEdges() {
    var image = RGBImage(width: 10, height: 10)
    image.strokeBox(Box(x1: -5, y1: 2, x2: 5, y2: 20), colour: red, thickness: 1)
    #expect(image[3, 2] == (255, 0, 0))  // top edge is inside
    #expect(image[5, 6] == (255, 0, 0))  // right edge is inside
    #expect(image[0, 6] == (0, 0, 0))  // left edge is outside, not clamped onto column 0
  }

  @Test func labelStaysInsideTheFrameAtEveryCorner() {
    let image = RGBImage(width: 320, height: 240)
    let boxes = [
      Box(x1: 0, y1: 0, x2: 40, y2: 40), Box(x1: 300, y1: 0, x2: 319, y2: 30),
      Box(x1: 0, y1: 220, x2: 30, y2: 239), Box(x1: 290, y1: 200, x2: 319, y2: 239),
      Box(x1: -50, y1: -50, x2: 400, y2: 300), Box(x1: 150, y1: 100, x2: 200, y2: 150),
    ]
    for box in boxes {
      let r = image.labelRectangle(for: "TrampolineJumping 0.87", on: box)
      #expect(r.x >= 0 && r.y >= 0 && r.x + r.width <= 320 && r.y + r.height <= 240, "\(box)")
    }
    let above = image.labelRectangle(for: "clap 0.87", on: Box(x1: 150, y1: 100, x2: 200, y2: 150))
    #expect(above.y + above.height == 100 && above.x == 150)
  }

  @Test func labelsAvoidEachOtherAndTheLegend() throws {
    var image = RGBImage(width: 320, height: 240)
    // Two dancers side by side: the second label would cover the first one.
    let a = image.drawLabelledBox(Box(x1: 90, y1: 40, x2: 160, y2: 200), text: "SalsaSpin", colour: .white)
    let b = image.drawLabelledBox(
      Box(x1: 110, y1: 45, x2: 180, y2: 210), text: "SalsaSpin", colour: .white,
      avoiding: a.map { [$0] } ?? [])
    let r1 = try #require(a)
    let r2 = try #require(b)
    #expect(r1.y + r1.height <= r2.y || r2.y + r2.height <= r1.y, "\(r1) \(r2)")
    #expect(r2.x == 110 && r2.y >= 0 && r2.y + r2.height <= 240)
    // A label under the legend panel moves off it, still inside the frame.
    let legend = try #require(image.legendRectangle([(name: "ground truth", colour: .white)]))
    let r3 = image.labelRectangle(
      for: "Biking", on: Box(x1: 300, y1: 0, x2: 319, y2: 100), avoiding: [legend])
    #expect(r3.y >= legend.y + legend.height && r3.x + r3.width <= 320)
    #expect(image.drawLabelledBox(Box(x1: .nan, y1: 0, x2: 1, y2: 1), text: "x", colour: .white) == nil)
  }

  @Test func labelTextInkIsInsideTheLabel() {
    var image = RGBImage(width: 320, height: 240)
    let box = Box(x1: 100, y1: 100, x2: 200, y2: 200)
    image.drawLabelledBox(box, text: "clap 0.87", colour: Colour(0, 0, 200))
    let r = image.labelRectangle(for: "clap 0.87", on: box)
    var white = 0
    for y in r.y..<(r.y + r.height) {
      for x in r.x..<(r.x + r.width) where image[x, y].r > 200 { white += 1 }
    }
    #expect(white > 40)  // white text on the dark blue label
    #expect(image[r.x, r.y] == (0, 0, 200))
  }

  @Test func classColoursAreStable() {
    #expect(Palette.colour(forClass: "clap") == Palette.colour(forClass: "clap"))
    // FNV-1a 32-bit: "clap" -> 0x8a3ec4b7 % 20 = 7; "Basketball" -> 0x3a2c2e9d % 20 = 17.
    #expect(Palette.colour(forClass: "clap") == Palette.classColours[fnv("clap") % 20])
    #expect(Palette.colour(forClass: "clap") != Palette.colour(forClass: "wave"))
  }

  @Test func textWidthFollowsTheCell() {
    let font = BitmapFont.dejaVuSansMono
    #expect(font.size(of: "abc").width == 3 * font.cellWidth)
    #expect(font.size(of: "abc", scale: 2).height == 2 * font.cellHeight)
    #expect(font.capHeight >= 8)  // legible on 320x240 frames
  }

  private func fnv(_ s: String) -> Int {
    var h: UInt32 = 2_166_136_261
    for b in s.utf8 {
      h ^= UInt32(b)
      h = h &* 16_777_619
    }
    return Int(h)
  }
}
