import Primitives
import Rendering
import Testing

@Suite struct FrameReviewTests {
  let person = Box(x1: 10, y1: 10, x2: 50, y2: 90)
  let other = Box(x1: 100, y1: 10, x2: 140, y2: 90)

  @Test func matchesByLabelAndIoUWithTheVOCDuplicateRule() {
    let gt = [ReviewBox(label: "clap", box: person), ReviewBox(label: "clap", box: other)]
    let dets = [
      ReviewBox(label: "clap", score: 0.5, box: person),  // duplicate, lower score: FP
      ReviewBox(label: "clap", score: 0.9, box: Box(x1: 12, y1: 12, x2: 50, y2: 90)),  // TP on person
      ReviewBox(label: "wave", score: 0.8, box: other),  // wrong class: FP
    ]
    let review = FrameReview(groundTruth: gt, detections: dets, iouThreshold: 0.5)
    #expect(review.detectionIsTruePositive == [false, true, false])
    #expect(review.groundTruthIsFound == [true, false])
  }

  @Test func thresholdIsInclusive() {
    // A detection whose IoU equals the threshold counts (>=).
    let a = Box(x1: 0, y1: 0, x2: 30, y2: 10)
    let b = Box(x1: 10, y1: 0, x2: 30, y2: 10)  // IoU = 200 / 300 = 0.667
    let review = FrameReview(
      groundTruth: [ReviewBox(label: "x", box: a)], detections: [ReviewBox(label: "x", score: 1, box: b)],
      iouThreshold: Float(200) / 300)
    #expect(review.detectionIsTruePositive == [true])
  }

  @Test func captionsAndTubeColours() {
    #expect(ReviewBox(label: "clap", score: 0.914, box: person, tube: 3).caption == "#3 clap 0.91")
    #expect(ReviewBox(label: "clap", score: 0.5, box: person).caption == "clap 0.50")
    #expect(ReviewBox(label: "clap", box: person).caption == "clap")
    // A tube keeps its colour; neighbouring ids differ; ids 20 apart share one.
    #expect(Palette.colour(forTube: 1) != Palette.colour(forTube: 2))
    #expect(Palette.colour(forTube: 3) == Palette.colour(forTube: 23))
    var image = RGBImage(width: 160, height: 100)
    image.drawTubes([
      ReviewBox(label: "clap", score: 0.9, box: person, tube: 1),
      ReviewBox(label: "clap", score: 0.8, box: other, tube: 2),
    ])
    let (a, b) = (Palette.colour(forTube: 1), Palette.colour(forTube: 2))
    #expect(image[10, 60] == (a.r, a.g, a.b))
    #expect(image[100, 60] == (b.r, b.g, b.b))
  }
}
