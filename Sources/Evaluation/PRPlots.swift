import Rendering

/// Precision-recall charts of a report, drawn with ``Rendering/LinePlot``: recall on x, precision
/// on y, both on `0...1`.
public enum PRPlots {
  /// Distinct, dark-enough line colours for the summary chart (one per label, in label order).
  static let lineColours: [Colour] = [
    Colour(230, 25, 75), Colour(60, 180, 75), Colour(0, 130, 200), Colour(245, 130, 48),
    Colour(145, 30, 180), Colour(0, 170, 170), Colour(240, 50, 230), Colour(128, 0, 0),
    Colour(0, 128, 128), Colour(170, 110, 40), Colour(128, 128, 0), Colour(0, 0, 128),
    Colour(100, 100, 100), Colour(200, 160, 0), Colour(90, 60, 200), Colour(0, 90, 40),
    Colour(190, 80, 120), Colour(40, 40, 40), Colour(255, 90, 0), Colour(80, 150, 255),
    Colour(150, 200, 40), Colour(180, 0, 180), Colour(100, 60, 20), Colour(0, 200, 120),
  ]

  /// One label's curve, titled `title`, with its AP in the legend (640 × 480).
  public static func classPlot(_ curve: PRCurve, title: String) -> LinePlot {
    var plot = LinePlot(title: title, xTitle: "recall", yTitle: "precision")
    plot.tickCount = 10
    plot.series = [
      LinePlot.Series(name: curve.legend, colour: lineColours[0], points: points(curve))
    ]
    return plot
  }

  /// Every label's curve in one chart with a legend (1000 × 900, large enough for 24 entries).
  public static func summaryPlot(_ curves: [PRCurve], title: String) -> LinePlot {
    var plot = LinePlot(title: title, xTitle: "recall", yTitle: "precision")
    plot.tickCount = 10
    plot.width = 1000
    plot.height = 900
    plot.series = curves.enumerated().map { i, curve in
      LinePlot.Series(name: curve.legend, colour: lineColours[i % lineColours.count], points: points(curve))
    }
    return plot
  }

  private static func points(_ curve: PRCurve) -> [(x: Float, y: Float)] {
    zip(curve.recall, curve.precision).map { (x: $0, y: $1) }
  }
}
