import Primitives

/// Labelled boxes and legends.
extension RGBImage {
  /// Padding in pixels between a label's text and the edge of its filled rectangle.
  static let labelPadding = 2

  /// Where the label for `box` goes: above the box's top-left corner, inside the box's top when
  /// there is no room above, always moved to lie inside the image (as far as it fits).
  public func labelRectangle(
    for text: String, on box: Box, font: BitmapFont = .dejaVuSansMono
  ) -> (x: Int, y: Int, width: Int, height: Int) {
    let size = font.size(of: text)
    let w = size.width + 2 * Self.labelPadding
    let h = size.height
    let rect = PixelRect(box) ?? PixelRect(Box(x1: 0, y1: 0, x2: 0, y2: 0))!
    var x = rect.left
    var y = rect.top - h
    if y < 0 { y = rect.top }
    x = min(x, width - w)
    y = min(y, height - h)
    return (max(0, x), max(0, y), w, h)
  }

  /// Draws `box` with `thickness` and a filled label holding `text` (e.g. `clap 0.87`), with text
  /// in black or white, whichever contrasts with `colour`. The label stays inside the frame.
  public mutating func drawLabelledBox(
    _ box: Box, text: String, colour: Colour, thickness: Int = 2, font: BitmapFont = .dejaVuSansMono
  ) {
    strokeBox(box, colour: colour, thickness: thickness)
    guard let pixels = PixelRect(box), !text.isEmpty else { return }
    // A box wholly outside the frame gets no label either.
    guard pixels.right >= 0, pixels.bottom >= 0, pixels.left < width, pixels.top < height else { return }
    let r = labelRectangle(for: text, on: box, font: font)
    fillRectangle(x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height, colour: colour)
    drawText(text, x: r.x + Self.labelPadding, y: r.y, colour: colour.contrastingText, font: font)
  }

  /// Draws a legend, one colour swatch and name per row, on a translucent dark panel in the
  /// top-right corner.
  public mutating func drawLegend(
    _ entries: [(name: String, colour: Colour)], font: BitmapFont = .dejaVuSansMono
  ) {
    guard !entries.isEmpty else { return }
    let swatch = font.capHeight
    let rowHeight = font.cellHeight
    let textWidth = entries.map { font.size(of: $0.name).width }.max() ?? 0
    let panelWidth = 3 + swatch + 4 + textWidth + 3
    let panelHeight = entries.count * rowHeight + 4
    let x0 = max(0, width - panelWidth - 2)
    let y0 = 2
    fillRectangle(x0: x0, y0: y0, x1: x0 + panelWidth, y1: y0 + panelHeight, colour: .black, opacity: 0.6)
    for (i, entry) in entries.enumerated() {
      let rowTop = y0 + 2 + i * rowHeight
      let swatchTop = rowTop + font.baseline - swatch
      fillRectangle(
        x0: x0 + 3, y0: swatchTop, x1: x0 + 3 + swatch, y1: swatchTop + swatch, colour: entry.colour)
      drawText(entry.name, x: x0 + 3 + swatch + 4, y: rowTop, colour: .white, font: font)
    }
  }

  /// Writes `text` in white on a black strip along the bottom of the image (a notice that must
  /// be seen on every frame, such as "UNTRAINED WEIGHTS").
  public mutating func drawBanner(_ text: String, font: BitmapFont = .dejaVuSansMono) {
    let h = font.cellHeight + 2
    fillRectangle(x0: 0, y0: height - h, x1: width, y1: height, colour: .black)
    drawText(text, x: Self.labelPadding, y: height - h + 1, colour: .white, font: font)
  }
}
