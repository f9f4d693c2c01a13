import Primitives
import Rendering
import Testing

@Suite struct LinePlotTests {
  @Test func curveColourAndAxesAppear() {
    var plot = LinePlot(title: "clap: AP 75.00", xTitle: "recall", yTitle: "precision")
    let colour = Colour(200, 30, 160)
    plot.series = [.init(name: "clap", colour: colour, points: [(0, 1), (0.5, 1), (0.5, 0.6), (1, 0.4)])]
    let image = plot.render()
    #expect(image.width == 640 && image.height == 480)
    var curve = 0
    for y in 0..<image.height {
      for x in 0..<image.width where image[x, y] == (colour.r, colour.g, colour.b) { curve += 1 }
    }
    #expect(curve > 500)
    // The point (recall 0.5, precision 1) lies on the curve: plot area x 64...620, y 40...430.
    let x = 64 + (620 - 64) / 2
    #expect((38...42).contains { y in image[x, y] == (colour.r, colour.g, colour.b) })
  }

  @Test func emptyPlotStillDraws() {
    let image = LinePlot(title: "t", xTitle: "x", yTitle: "y").render()
    #expect(image.pixels.contains(30))  // axis ink
  }
}
