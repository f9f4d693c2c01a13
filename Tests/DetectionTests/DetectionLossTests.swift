import Detection
import Foundation
import Networks
import Primitives
import Tensor
import Testing

/// Hand-computed losses and finite-difference gradient checks of the RPN and head losses.
@Suite struct DetectionLossTests {
  /// A 2×3 map with 3 anchors per cell (sizes 16, 24, 32, ratio 1, stride 8) in a 40×32 image.
  static let generator = AnchorGenerator(sizes: [16, 24, 32], aspectRatios: [1], stride: 8)
  static let anchors = generator.anchors(featureHeight: 2, featureWidth: 3)
  static let truth = [Box(x1: 2, y1: 1, x2: 17, y2: 15), Box(x1: 12, y1: 4, x2: 23, y2: 13)]

  /// Seeded values in `center ± halfWidth`.
  static func tensor(_ name: String, _ shape: [Int], halfWidth: Float = 1.5) -> Tensor {
    Tensor(
      shape: shape,
      scalars: CounterRandom(seed: 11).values(name, count: shape.reduce(1, *), halfWidth: halfWidth))
  }

  static func rpnTargets(_ configuration: RPNTrainingConfiguration) -> AnchorTargets {
    var order = SampleOrder.random(seed: 4)
    return AnchorTargets(
      anchors: anchors, groundTruth: truth, imageWidth: 40, imageHeight: 32, configuration: configuration,
      order: &order)
  }

  @Test func oneSampledAnchorByHand() {
    // One positive anchor with logit 0 and deltas equal to their targets + (0.5, 0, 2, 0).
    let anchors = [Box(x1: 0, y1: 0, x2: 10, y2: 10)]
    var order = SampleOrder.random(seed: 0)
    let targets = AnchorTargets(
      anchors: anchors, groundTruth: [Box(x1: 1, y1: 1, x2: 11, y2: 11)], imageWidth: 20, imageHeight: 20,
      order: &order)
    #expect(targets.positives == [0] && targets.negatives.isEmpty)
    let deltas = Tensor(shape: [1, 4, 1, 1], scalars: [1.5, 1, 2, 0])  // targets (1, 1, 0, 0)
    let loss = DetectionLoss.rpn(objectness: Tensor(shape: [1, 1, 1, 1]), deltas: deltas, targets: targets)
    #expect(abs(loss.classification - Float(log(2.0))) < 1e-6)
    // Huber, beta 1: 0.5 · 0.5² + (2 − 0.5) = 1.625, over 1 sampled anchor.
    #expect(abs(loss.localization - 1.625) < 1e-6)
    #expect(abs(loss.total - (Float(log(2.0)) + 2 * 1.625)) < 1e-5)
    #expect(loss.classificationGradient.scalars == [-0.5])
    #expect(loss.localizationGradient.scalars == [1, 0, 2, 0])
  }

  @Test func ignoredAndUnsampledAnchorsGetZeroGradient() {
    // A 4×5 map (60 anchors) in a 40×32 image: border-crossing anchors are ignored, and a sample of
    // 6 leaves eligible anchors unsampled.
    let anchors = Self.generator.anchors(featureHeight: 4, featureWidth: 5)
    var configuration = RPNTrainingConfiguration()
    configuration.sampler = BalancedSampler(batchSize: 6, positiveFraction: 0.5)
    var order = SampleOrder.random(seed: 4)
    let (loss, targets) = DetectionLoss.rpn(
      objectness: Self.tensor("o", [1, 3, 4, 5]), deltas: Self.tensor("d", [1, 12, 4, 5]), anchors: anchors,
      groundTruth: Self.truth, imageWidth: 40, imageHeight: 32, configuration: configuration, order: &order)
    #expect(targets.matches.contains(.ignored))
    #expect(targets.sampleCount == 6 && !targets.positives.isEmpty)
    #expect(targets.matches.count { $0 != .ignored } > 6)
    let sampled = Set(targets.positives + targets.negatives)
    let o = loss.classificationGradient.scalars
    let d = loss.localizationGradient.scalars
    for index in anchors.indices {
      let (a, position) = (index % 3, index / 3)
      let objectness = o[a * 20 + position]
      let box = (0..<4).map { d[(4 * a + $0) * 20 + position] }
      #expect((objectness != 0) == sampled.contains(index), "anchor \(index)")
      #expect(box.contains { $0 != 0 } == targets.positives.contains(index), "anchor \(index)")
    }
  }

  @Test func emptyGroundTruthMeansAllNegatives() {
    let anchors = AnchorGenerator.standard.anchors(featureHeight: 20, featureWidth: 25)
    var order = SampleOrder.random(seed: 2)
    let (loss, targets) = DetectionLoss.rpn(
      objectness: Self.tensor("o", [1, 12, 20, 25]), deltas: Self.tensor("d", [1, 48, 20, 25]),
      anchors: anchors, groundTruth: [], imageWidth: 400, imageHeight: 320, order: &order)
    #expect(targets.positives.isEmpty && targets.negatives.count == 256)
    #expect(!targets.matches.contains { $0.groundTruthIndex != nil })
    #expect(loss.localization == 0 && loss.localizationGradient.scalars.allSatisfy { $0 == 0 })
    #expect(loss.classification > 0)
  }

  @Test(arguments: [RPNTrainingConfiguration.ObjectnessLoss.sigmoid, .softmax])
  func rpnGradientsMatchFiniteDifferences(_ objectnessLoss: RPNTrainingConfiguration.ObjectnessLoss) {
    var configuration = RPNTrainingConfiguration()
    configuration.borderTolerance = nil
    configuration.objectness = objectnessLoss
    let targets = Self.rpnTargets(configuration)
    #expect(!targets.positives.isEmpty && !targets.negatives.isEmpty)
    let perAnchor = objectnessLoss == .sigmoid ? 1 : 2
    let objectness = Self.tensor("objectness", [1, 3 * perAnchor, 2, 3])
    let deltas = Self.tensor("deltas", [1, 12, 2, 3], halfWidth: 3)
    let loss = DetectionLoss.rpn(
      objectness: objectness, deltas: deltas, targets: targets, configuration: configuration)
    let total: (Tensor, Tensor) -> Double = {
      Double(
        DetectionLoss.rpn(objectness: $0, deltas: $1, targets: targets, configuration: configuration).total)
    }
    let errorO = lossGradientError(at: objectness, analytic: loss.classificationGradient) {
      total($0, deltas)
    }
    let errorD = lossGradientError(at: deltas, analytic: loss.localizationGradient) { total(objectness, $0) }
    #expect(errorO < 2e-3 && errorD < 2e-3, "objectness \(errorO), deltas \(errorD)")
  }

  @Test(arguments: [HeadConfiguration.Scoring.softmax, .sigmoid])
  func headGradientsMatchFiniteDifferences(_ scoring: HeadConfiguration.Scoring) {
    var configuration = HeadTrainingConfiguration()
    configuration.scoring = scoring
    let truth = [
      LabelledBox(box: Self.truth[0], classIndex: 1), LabelledBox(box: Self.truth[1], classes: [0, 2]),
    ]
    var order = SampleOrder.random(seed: 8)
    let targets = ProposalTargets(
      proposals: Array(Self.anchors.prefix(10)), groundTruth: truth, configuration: configuration,
      order: &order)
    #expect(targets.foregroundCount >= 2)
    let r = targets.rois.count
    let logits = Self.tensor("logits", [r, scoring == .softmax ? 4 : 3])
    let deltas = Self.tensor("boxes", [r, 12], halfWidth: 3)
    let loss = DetectionLoss.head(
      classLogits: logits, boxDeltas: deltas, targets: targets, configuration: configuration)
    let total: (Tensor, Tensor) -> Double = {
      Double(
        DetectionLoss.head(classLogits: $0, boxDeltas: $1, targets: targets, configuration: configuration)
          .total)
    }
    let errorC = lossGradientError(at: logits, analytic: loss.classificationGradient) { total($0, deltas) }
    let errorD = lossGradientError(at: deltas, analytic: loss.localizationGradient) { total(logits, $0) }
    #expect(errorC < 2e-3 && errorD < 2e-3, "logits \(errorC), deltas \(errorD)")
    // Background ROIs' deltas, and other classes' deltas, get no gradient.
    let g = loss.localizationGradient.scalars
    for row in 0..<r {
      let regressed = targets.classes[row].first
      for k in 0..<3 where k != regressed {
        #expect((0..<4).allSatisfy { g[row * 12 + 4 * k + $0] == 0 })
      }
    }
  }
}
