import Primitives

/// Pixel-level drawing on an image. Every routine clips to the image: shapes partly or wholly
/// outside, inverted, or with non-finite coordinates draw what is inside and never trap.
extension RGBImage {
  /// Blends `colour` over the pixel at `(x, y)` with `opacity` in 0...1; ignores pixels outside.
  public mutating func blend(x: Int, y: Int, colour: Colour, opacity: Float = 1) {
    guard x >= 0, y >= 0, x < width, y < height, opacity > 0 else { return }
    let i = (y * width + x) * 3
    if opacity >= 1 {
      pixels[i] = colour.r
      pixels[i + 1] = colour.g
      pixels[i + 2] = colour.b
      return
    }
    func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
      UInt8((Float(old) * (1 - opacity) + Float(new) * opacity).rounded())
    }
    pixels[i] = mix(pixels[i], colour.r)
    pixels[i + 1] = mix(pixels[i + 1], colour.g)
    pixels[i + 2] = mix(pixels[i + 2], colour.b)
  }

  /// Fills the pixel rectangle with columns `x0..<x1` and rows `y0..<y1`, clipped to the image.
  public mutating func fillRectangle(x0: Int, y0: Int, x1: Int, y1: Int, colour: Colour, opacity: Float = 1) {
    let left = max(0, x0)
    let right = min(width, x1)
    let top = max(0, y0)
    let bottom = min(height, y1)
    guard left < right, top < bottom else { return }
    for y in top..<bottom {
      for x in left..<right { blend(x: x, y: y, colour: colour, opacity: opacity) }
    }
  }

  /// Draws the outline of `box` with lines `thickness` pixels wide, inside the box's pixels.
  ///
  /// The box covers pixel columns `floor(x1)...floor(x2)` and rows `floor(y1)...floor(y2)`, so a
  /// box in 0-based inclusive coordinates (`x2 = 319` on a 320-wide frame) outlines its last
  /// column. Edges that fall outside the image are not drawn.
  public mutating func strokeBox(_ box: Box, colour: Colour, thickness: Int = 2) {
    guard let r = PixelRect(box) else { return }
    let t = max(1, thickness)
    fillRectangle(x0: r.left, y0: r.top, x1: r.right + 1, y1: r.top + t, colour: colour)
    fillRectangle(x0: r.left, y0: r.bottom - t + 1, x1: r.right + 1, y1: r.bottom + 1, colour: colour)
    fillRectangle(x0: r.left, y0: r.top, x1: r.left + t, y1: r.bottom + 1, colour: colour)
    fillRectangle(x0: r.right - t + 1, y0: r.top, x1: r.right + 1, y1: r.bottom + 1, colour: colour)
  }

  /// Draws a straight line `thickness` pixels wide between two points (pixel centres).
  public mutating func drawLine(
    from start: (x: Float, y: Float), to end: (x: Float, y: Float), colour: Colour, thickness: Int = 1
  ) {
    guard start.x.isFinite, start.y.isFinite, end.x.isFinite, end.y.isFinite else { return }
    let dx = end.x - start.x
    let dy = end.y - start.y
    let steps = min(100_000, Int(max(abs(dx), abs(dy)).rounded(.up)) + 1)
    let half = (max(1, thickness) - 1) / 2
    for s in 0..<steps {
      let t = steps == 1 ? 0 : Float(s) / Float(steps - 1)
      let x = PixelRect.clampedInt(start.x + dx * t)
      let y = PixelRect.clampedInt(start.y + dy * t)
      fillRectangle(
        x0: x - half, y0: y - half, x1: x - half + max(1, thickness), y1: y - half + max(1, thickness),
        colour: colour)
    }
  }

  /// Draws `text` with its cell's top-left corner at `(x, y)`, blending the font's coverage.
  public mutating func drawText(
    _ text: String, x: Int, y: Int, colour: Colour, font: BitmapFont = .dejaVuSansMono, scale: Int = 1
  ) {
    let s = max(1, scale)
    var penX = x
    for scalar in text.unicodeScalars {
      if penX >= width { break }
      if penX + font.cellWidth * s > 0 {
        for gy in 0..<font.cellHeight {
          for gx in 0..<font.cellWidth {
            let c = font.coverage(of: scalar, x: gx, y: gy)
            guard c > 0 else { continue }
            let opacity = Float(c) / 15
            for sy in 0..<s {
              for sx in 0..<s {
                blend(x: penX + gx * s + sx, y: y + gy * s + sy, colour: colour, opacity: opacity)
              }
            }
          }
        }
      }
      penX += font.cellWidth * s
    }
  }
}

/// A box rounded to whole pixels: inclusive columns `left...right`, rows `top...bottom`.
struct PixelRect {
  var left: Int
  var top: Int
  var right: Int
  var bottom: Int

  /// `nil` when a coordinate is not finite or the box is inverted.
  init?(_ box: Box) {
    guard box.x1.isFinite, box.y1.isFinite, box.x2.isFinite, box.y2.isFinite else { return nil }
    guard box.x2 >= box.x1, box.y2 >= box.y1 else { return nil }
    left = Self.clampedInt(box.x1.rounded(.down))
    top = Self.clampedInt(box.y1.rounded(.down))
    right = Self.clampedInt(box.x2.rounded(.down))
    bottom = Self.clampedInt(box.y2.rounded(.down))
  }

  /// `v` as an `Int`, limited to ±10⁶ so that huge coordinates cannot trap the conversion.
  static func clampedInt(_ v: Float) -> Int {
    Int(min(1_000_000, max(-1_000_000, v.isFinite ? v : 0)))
  }
}
