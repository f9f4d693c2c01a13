import Primitives

/// Draws detections (box outline, filled label with class and score) and an optional banner onto an
/// RGB8 frame; a local stand-in for the `Rendering` module's boxes and label boxes.
struct FrameOverlay {
  /// Distinct colours, one per class index (cycled).
  static let palette: [(UInt8, UInt8, UInt8)] = [
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
    (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 190), (0, 128, 128), (230, 190, 255),
  ]

  var image: RGBImage

  /// Fills the rectangle `[x0, x1) × [y0, y1)` (clipped to the image).
  mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: (UInt8, UInt8, UInt8)) {
    let (a, b) = (max(0, x0), min(image.width, x1))
    let (c, d) = (max(0, y0), min(image.height, y1))
    guard a < b, c < d else { return }
    for y in c..<d {
      for x in a..<b {
        let i = (y * image.width + x) * 3
        image.pixels[i] = color.0
        image.pixels[i + 1] = color.1
        image.pixels[i + 2] = color.2
      }
    }
  }

  /// A 2-pixel outline of `box` (pixel coordinates, continuous convention).
  mutating func outline(_ box: Box, color: (UInt8, UInt8, UInt8)) {
    let (x0, y0) = (Int(box.x1.rounded(.down)), Int(box.y1.rounded(.down)))
    let (x1, y1) = (Int(box.x2.rounded(.up)), Int(box.y2.rounded(.up)))
    fill(x0: x0, y0: y0, x1: x1, y1: y0 + 2, color: color)
    fill(x0: x0, y0: y1 - 2, x1: x1, y1: y1, color: color)
    fill(x0: x0, y0: y0, x1: x0 + 2, y1: y1, color: color)
    fill(x0: x1 - 2, y0: y0, x1: x1, y1: y1, color: color)
  }

  /// `text` on a filled background whose top-left corner is (`x`, `y`).
  mutating func label(_ text: String, x: Int, y: Int, background: (UInt8, UInt8, UInt8)) {
    let w = text.count * BitmapFont.advance + 3
    let h = BitmapFont.height + 4
    let x = min(max(0, x), max(0, image.width - w))
    let y = min(max(0, y), max(0, image.height - h))
    fill(x0: x, y0: y, x1: x + w, y1: y + h, color: background)
    let luminance = 0.299 * Float(background.0) + 0.587 * Float(background.1) + 0.114 * Float(background.2)
    let ink: (UInt8, UInt8, UInt8) = luminance > 140 ? (0, 0, 0) : (255, 255, 255)
    for (k, character) in text.enumerated() {
      for (r, bits) in BitmapFont.rows(character).enumerated() {
        for col in 0..<BitmapFont.width where bits & (16 >> UInt8(col)) != 0 {
          fill(
            x0: x + 2 + k * BitmapFont.advance + col, y0: y + 2 + r, x1: x + 3 + k * BitmapFont.advance + col,
            y1: y + 3 + r, color: ink)
        }
      }
    }
  }

  /// Draws one detection: outline plus a label above the box (inside it when at the top edge).
  mutating func draw(box: Box, text: String, classIndex: Int) {
    let color = Self.palette[classIndex % Self.palette.count]
    outline(box, color: color)
    let top = Int(box.y1) - BitmapFont.height - 4
    label(text, x: Int(box.x1), y: top >= 0 ? top : Int(box.y1) + 2, background: color)
  }
}
