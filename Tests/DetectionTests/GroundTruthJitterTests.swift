import Primitives
import Testing

@testable import Detection

/// ``HeadTrainingConfiguration/jitteredGroundTruth(_:width:height:order:)``: seeded copies close to
/// their box, inside the input, and none when off.
@Suite struct GroundTruthJitterTests {
  static let truth = [
    Box(x1: 20, y1: 30, x2: 80, y2: 150), Box(x1: 150, y1: 0, x2: 240, y2: 60),
  ]

  @Test func copiesStayCloseAndInside() {
    var configuration = HeadTrainingConfiguration()
    configuration.groundTruthJitter = 8
    var order = SampleOrder.random(seed: 5)
    let copies = configuration.jitteredGroundTruth(Self.truth, width: 240, height: 192, order: &order)
    #expect(copies.count == 16)
    for (k, copy) in copies.enumerated() {
      let box = Self.truth[k / 8]
      #expect(box.iou(with: copy) >= 0.6, "copy \(k): IoU \(box.iou(with: copy))")
      #expect(copy.x1 >= 0 && copy.y1 >= 0 && copy.x2 <= 240 && copy.y2 <= 192)
    }
    #expect(Set(copies.map(\.x1)).count > 8, "the copies differ")
    // The same seed gives the same copies; the matcher takes them as foreground.
    var again = SampleOrder.random(seed: 5)
    #expect(configuration.jitteredGroundTruth(Self.truth, width: 240, height: 192, order: &again) == copies)
    let labelled = Self.truth.map { LabelledBox(box: $0, classIndex: 0) }
    var sampling = SampleOrder.random(seed: 1)
    let targets = ProposalTargets(
      proposals: copies, groundTruth: labelled, configuration: configuration, order: &sampling)
    // 25 % of 64: 16 of the 18 foreground candidates.
    #expect(targets.classes.filter { !$0.isEmpty }.count == 16)
  }

  @Test func offByDefault() {
    var order = SampleOrder.random(seed: 5)
    #expect(
      HeadTrainingConfiguration().jitteredGroundTruth(Self.truth, width: 240, height: 192, order: &order)
        .isEmpty)
  }
}
