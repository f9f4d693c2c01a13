import Primitives

/// A label's (or legend's) filled rectangle: top-left pixel `x, y` and size, in image pixels.
public typealias LabelRectangle = (x: Int, y: Int, width: Int, height: Int)

/// Labelled boxes and legends.
extension RGBImage {
  /// Padding in pixels between a label's text and the edge of its filled rectangle.
  static let labelPadding = 2

  /// Where the label for `box` goes: above the box's top-left corner, inside the box's top when
  /// there is no room above, always moved to lie inside the image (as far as it fits).
  ///
  /// When that place overlaps one of `occupied` (labels already drawn, a legend), the label moves
  /// down or up by whole label heights, nearest first, to the first free place inside the image;
  /// if there is none it keeps the first place.
  public func labelRectangle(
    for text: String, on box: Box, avoiding occupied: [LabelRectangle] = [],
    font: BitmapFont = .dejaVuSansMono
  ) -> LabelRectangle {
    let size = font.size(of: text)
    let w = size.width + 2 * Self.labelPadding
    let h = size.height
    let rect = PixelRect(box) ?? PixelRect(Box(x1: 0, y1: 0, x2: 0, y2: 0))!
    var x = rect.left
    var y = rect.top - h
    if y < 0 { y = rect.top }
    x = min(x, width - w)
    y = min(y, height - h)
    let first = (x: max(0, x), y: max(0, y), width: w, height: h)
    guard !occupied.isEmpty, h > 0 else { return first }
    func isFree(_ r: LabelRectangle) -> Bool {
      !occupied.contains { o in
        r.x < o.x + o.width && o.x < r.x + r.width && r.y < o.y + o.height && o.y < r.y + r.height
      }
    }
    if isFree(first) { return first }
    for step in 1...max(1, height / h) {
      for dy in [step * h, -step * h] {
        let y = first.y + dy
        let candidate = (x: first.x, y: y, width: w, height: h)
        if y >= 0, y + h <= height, isFree(candidate) { return candidate }
      }
    }
    return first
  }

  /// Draws `box` with `thickness` and a filled label holding `text` (e.g. `clap 0.87`), with text
  /// in black or white, whichever contrasts with `colour`. The label stays inside the frame.
  ///
  /// The label avoids `occupied` (see ``labelRectangle(for:on:avoiding:font:)``); the return
  /// value is where it went, to add to `occupied` for the next label, or `nil` when there is none
  /// (empty text, or a box wholly outside the frame or with non-finite coordinates).
  @discardableResult
  public mutating func drawLabelledBox(
    _ box: Box, text: String, colour: Colour, thickness: Int = 2, avoiding occupied: [LabelRectangle] = [],
    font: BitmapFont = .dejaVuSansMono
  ) -> LabelRectangle? {
    strokeBox(box, colour: colour, thickness: thickness)
    guard let pixels = PixelRect(box), !text.isEmpty else { return nil }
    // A box wholly outside the frame gets no label either.
    guard pixels.right >= 0, pixels.bottom >= 0, pixels.left < width, pixels.top < height else { return nil }
    let r = labelRectangle(for: text, on: box, avoiding: occupied, font: font)
    fillRectangle(x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height, colour: colour)
    drawText(text, x: r.x + Self.labelPadding, y: r.y, colour: colour.contrastingText, font: font)
    return r
  }

  /// Where ``drawLegend(_:font:)`` puts its panel: the top-right corner; `nil` for no entries.
  public func legendRectangle(
    _ entries: [(name: String, colour: Colour)], font: BitmapFont = .dejaVuSansMono
  ) -> LabelRectangle? {
    guard !entries.isEmpty else { return nil }
    let textWidth = entries.map { font.size(of: $0.name).width }.max() ?? 0
    let panelWidth = 3 + font.capHeight + 4 + textWidth + 3
    let panelHeight = entries.count * font.cellHeight + 4
    return (x: max(0, width - panelWidth - 2), y: 2, width: panelWidth, height: panelHeight)
  }

  /// Draws a legend, one colour swatch and name per row, on a translucent dark panel in the
  /// top-right corner.
  public mutating func drawLegend(
    _ entries: [(name: String, colour: Colour)], font: BitmapFont = .dejaVuSansMono
  ) {
    guard let panel = legendRectangle(entries, font: font) else { return }
    let swatch = font.capHeight
    let rowHeight = font.cellHeight
    let x0 = panel.x
    let y0 = panel.y
    fillRectangle(x0: x0, y0: y0, x1: x0 + panel.width, y1: y0 + panel.height, colour: .black, opacity: 0.6)
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
