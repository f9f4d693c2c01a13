import Primitives

/// A line chart drawn into an image: title, axes with ticks, numeric tick labels and grid lines,
/// axis titles, one polyline per series and a legend. Precision–recall curves use it with both
/// axes on `0...1`.
public struct LinePlot: Sendable {
  /// One curve: its name in the legend, its colour, and its points in data coordinates.
  public struct Series: Sendable {
    /// Name shown in the legend.
    public var name: String
    /// Line colour.
    public var colour: Colour
    /// Points in data coordinates, drawn in order.
    public var points: [(x: Float, y: Float)]

    /// Creates a series.
    public init(name: String, colour: Colour, points: [(x: Float, y: Float)]) {
      self.name = name
      self.colour = colour
      self.points = points
    }
  }

  /// Title drawn centred above the chart.
  public var title: String
  /// Title of the horizontal axis.
  public var xTitle: String
  /// Title of the vertical axis.
  public var yTitle: String
  /// Data range of the horizontal axis.
  public var xRange: ClosedRange<Float> = 0...1
  /// Data range of the vertical axis.
  public var yRange: ClosedRange<Float> = 0...1
  /// Number of tick intervals on each axis.
  public var tickCount = 5
  /// The curves.
  public var series: [Series] = []
  /// Image width in pixels.
  public var width = 640
  /// Image height in pixels.
  public var height = 480

  /// Creates an empty chart with titles.
  public init(title: String, xTitle: String, yTitle: String) {
    self.title = title
    self.xTitle = xTitle
    self.yTitle = yTitle
  }

  /// Draws the chart on a white image of `width` × `height`.
  public func render(font: BitmapFont = .dejaVuSansMono) -> RGBImage {
    var image = RGBImage(width: width, height: height, fill: (255, 255, 255))
    let left = 64
    let right = width - 20
    let top = 40
    let bottom = height - 50
    guard right > left, bottom > top else { return image }
    let grid = Colour(225, 225, 225)
    let ink = Colour(30, 30, 30)
    let xSpan = max(xRange.upperBound - xRange.lowerBound, .leastNormalMagnitude)
    let ySpan = max(yRange.upperBound - yRange.lowerBound, .leastNormalMagnitude)
    func px(_ x: Float) -> Float { Float(left) + (x - xRange.lowerBound) / xSpan * Float(right - left) }
    func py(_ y: Float) -> Float { Float(bottom) - (y - yRange.lowerBound) / ySpan * Float(bottom - top) }

    let ticks = max(1, tickCount)
    for i in 0...ticks {
      let f = Float(i) / Float(ticks)
      let xv = xRange.lowerBound + f * xSpan
      let yv = yRange.lowerBound + f * ySpan
      let gx = Int(px(xv).rounded())
      let gy = Int(py(yv).rounded())
      image.fillRectangle(x0: gx, y0: top, x1: gx + 1, y1: bottom, colour: grid)
      image.fillRectangle(x0: left, y0: gy, x1: right, y1: gy + 1, colour: grid)
      let xl = Self.tickLabel(xv)
      let yl = Self.tickLabel(yv)
      image.drawText(xl, x: gx - font.size(of: xl).width / 2, y: bottom + 6, colour: ink, font: font)
      image.drawText(
        yl, x: left - 6 - font.size(of: yl).width, y: gy - font.cellHeight / 2, colour: ink, font: font)
    }
    image.fillRectangle(x0: left, y0: bottom, x1: right + 1, y1: bottom + 2, colour: ink)
    image.fillRectangle(x0: left - 1, y0: top, x1: left + 1, y1: bottom + 2, colour: ink)

    let titleSize = font.size(of: title)
    image.drawText(title, x: (width - titleSize.width) / 2, y: 10, colour: ink, font: font)
    let xTitleSize = font.size(of: xTitle)
    image.drawText(xTitle, x: (left + right - xTitleSize.width) / 2, y: bottom + 26, colour: ink, font: font)
    image.drawText(yTitle, x: 8, y: top - font.cellHeight - 4, colour: ink, font: font)

    for s in series where !s.points.isEmpty {
      var previous = (x: px(s.points[0].x), y: py(s.points[0].y))
      if s.points.count == 1 {
        image.drawLine(from: previous, to: previous, colour: s.colour, thickness: 3)
      }
      for p in s.points.dropFirst() {
        let next = (x: px(p.x), y: py(p.y))
        image.drawLine(from: previous, to: next, colour: s.colour, thickness: 2)
        previous = next
      }
    }
    drawLegend(on: &image, left: left, bottom: bottom, font: font)
    return image
  }

  /// The legend: a framed white panel in the lower-left corner of the plotting area.
  private func drawLegend(on image: inout RGBImage, left: Int, bottom: Int, font: BitmapFont) {
    let named = series.filter { !$0.name.isEmpty }
    guard !named.isEmpty else { return }
    let rowHeight = font.cellHeight + 2
    let textWidth = named.map { font.size(of: $0.name).width }.max() ?? 0
    let panelWidth = 8 + 20 + 6 + textWidth + 8
    let panelHeight = named.count * rowHeight + 8
    let x0 = left + 10
    let y0 = bottom - 10 - panelHeight
    image.fillRectangle(
      x0: x0, y0: y0, x1: x0 + panelWidth, y1: y0 + panelHeight, colour: Colour(120, 120, 120))
    image.fillRectangle(
      x0: x0 + 1, y0: y0 + 1, x1: x0 + panelWidth - 1, y1: y0 + panelHeight - 1, colour: .white)
    for (i, s) in named.enumerated() {
      let rowTop = y0 + 4 + i * rowHeight
      let mid = rowTop + font.cellHeight / 2
      image.fillRectangle(x0: x0 + 8, y0: mid - 1, x1: x0 + 28, y1: mid + 2, colour: s.colour)
      image.drawText(s.name, x: x0 + 34, y: rowTop, colour: Colour(30, 30, 30), font: font)
    }
  }

  /// A tick label with at most two decimals and no trailing zeros (`0`, `0.2`, `0.25`, `10`).
  static func tickLabel(_ v: Float) -> String {
    let hundredths = Int((v * 100).rounded())
    let whole = hundredths / 100
    var fraction = abs(hundredths % 100)
    let sign = hundredths < 0 && whole == 0 ? "-" : ""
    if fraction == 0 { return "\(sign)\(whole)" }
    var digits = fraction < 10 ? "0\(fraction)" : "\(fraction)"
    if fraction % 10 == 0 {
      fraction /= 10
      digits = "\(fraction)"
    }
    return "\(sign)\(whole).\(digits)"
  }
}
