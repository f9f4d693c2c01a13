import Rendering
import Testing

@testable import Evaluation

/// The precision-recall charts handed to `Rendering`.
@Suite struct PRPlotsTests {
  @Test func chartsCarryEveryCurveWithDistinctColours() {
    let curves = (0..<24).map {
      PRCurve(label: "class\($0)", ap: Double($0), recall: [0, 0.5, 1], precision: [1, 0.8, 0.6])
    }
    let summary = PRPlots.summaryPlot(curves, title: "all")
    #expect(summary.series.count == 24)
    #expect(Set(summary.series.map { "\($0.colour.r),\($0.colour.g),\($0.colour.b)" }).count == 24)
    #expect(summary.series[3].name == "class3 (AP 3.00)")
    #expect(summary.series[0].points.map(\.x) == [0, 0.5, 1])
    #expect(summary.xTitle == "recall" && summary.yTitle == "precision")
    let one = PRPlots.classPlot(curves[1], title: "one")
    #expect(one.series.count == 1 && one.series[0].points.map(\.y) == [1, 0.8, 0.6])
    let image = one.render()
    #expect(image.width == 640 && image.height == 480)
    // The curve's colour appears in the picture.
    let c = one.series[0].colour
    var found = false
    for i in stride(from: 0, to: image.pixels.count, by: 3)
    where image.pixels[i] == c.r && image.pixels[i + 1] == c.g && image.pixels[i + 2] == c.b {
      found = true
      break
    }
    #expect(found)
  }
}
