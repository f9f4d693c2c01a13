import Detection
import Networks
import Primitives
import Tensor
import Testing

/// Targets and losses against torchvision's detection code on `Fixtures/detection_losses.safetensors`
/// (made by tools/make_detection_loss_fixtures.py, which describes the four cases).
///
/// Sampling replays the indices torchvision's sampler drew (``SampleOrder/preferring(_:)``); labels and
/// sampled indices must match exactly, regression targets, loss values and gradients to 1e-5 (L∞
/// error relative to the reference's largest magnitude; values one by one).
@Suite struct DetectionLossParityTests {
  static let tolerance: Float = 1e-5

  static func indices(_ file: SafeTensorsFile, _ key: String) throws -> [Int] {
    try file.floats(key).map { Int($0) }
  }

  static func relative(_ a: Float, _ b: Float) -> Float { abs(a - b) / max(abs(b), 1e-6) }

  static func flatten(_ v: [SIMD4<Float>]) -> [Float] { v.flatMap { [$0[0], $0[1], $0[2], $0[3]] } }

  @Test func anchorsFollowTheProjectGenerator() throws {
    let file = try OpsFixture.file("detection_losses")
    let generator = AnchorGenerator(sizes: [32, 64, 128], aspectRatios: [0.5, 1, 2], stride: 16)
    let anchors = generator.anchors(featureHeight: 10, featureWidth: 13)
    #expect(
      maxRelativeError(anchors.flatMap { [$0.x1, $0.y1, $0.x2, $0.y2] }, try file.floats("anchors")) < 1e-6)
  }

  @Test(arguments: ["rpn_tv", "rpn_tf"])
  func rpnMatchesTorchvision(_ prefix: String) throws {
    let file = try OpsFixture.file("detection_losses")
    let anchors = try OpsFixture.boxes(file, "anchors")
    let truth = try OpsFixture.boxes(file, "ground_truth")
    var configuration = RPNTrainingConfiguration()
    if prefix == "rpn_tv" {
      configuration.borderTolerance = nil
      configuration.smoothL1Beta = 1.0 / 9
    } else {
      configuration.objectness = .softmax
      configuration.sampler = BalancedSampler(batchSize: 64, positiveFraction: 0.5)
    }
    let positives = try Self.indices(file, "\(prefix)_positives")
    let negatives = try Self.indices(file, "\(prefix)_negatives")
    var order = SampleOrder.preferring(positives + negatives)
    let (loss, targets) = DetectionLoss.rpn(
      objectness: try OpsFixture.tensor(file, "\(prefix)_objectness_logits"),
      deltas: try OpsFixture.tensor(file, "rpn_deltas"), anchors: anchors, groundTruth: truth,
      imageWidth: 208,
      imageHeight: 160, configuration: configuration, order: &order)

    let labels = try file.floats("\(prefix)_labels").map { Int($0) }
    let swiftLabels = targets.matches.map { m -> Int in
      switch m {
      case .foreground: return 1
      case .background: return 0
      case .ignored: return -1
      }
    }
    #expect(swiftLabels == labels)
    #expect(targets.positives == positives && targets.negatives == negatives.sorted())
    let reference = try file.floats("\(prefix)_regression_targets")
    let foreground = labels.indices.filter { labels[$0] == 1 }
    #expect(
      maxRelativeError(
        Self.flatten(foreground.map { targets.regressionTargets[$0] }),
        foreground.flatMap { i in (0..<4).map { reference[4 * i + $0] } }) < Self.tolerance)

    let values = try file.floats("\(prefix)_losses")
    #expect(Self.relative(loss.classification, values[0]) < Self.tolerance)
    #expect(Self.relative(loss.localization, values[1]) < Self.tolerance)
    #expect(Self.relative(loss.total, values[2]) < Self.tolerance)
    let gradO = try file.floats("\(prefix)_grad_objectness")
    let gradD = try file.floats("\(prefix)_grad_deltas")
    #expect(maxRelativeError(loss.classificationGradient.scalars, gradO) < Self.tolerance)
    #expect(maxRelativeError(loss.localizationGradient.scalars, gradD) < Self.tolerance)
  }

  @Test(arguments: ["head_tv", "head_tf"])
  func headMatchesTorchvision(_ prefix: String) throws {
    let file = try OpsFixture.file("detection_losses")
    let boxes = try OpsFixture.boxes(file, "ground_truth")
    let classes = try file.floats("ground_truth_classes").map { Int($0) }  // first, last
    let truth = boxes.indices.map {
      LabelledBox(box: boxes[$0], classes: Array(Set(classes[2 * $0...2 * $0 + 1])))
    }
    var configuration = HeadTrainingConfiguration()
    configuration.sampler = BalancedSampler(batchSize: 32, positiveFraction: 0.25)
    if prefix == "head_tv" {
      configuration.smoothL1Beta = 1.0 / 9
    } else {
      configuration.appendGroundTruth = false
      configuration.scoring = .sigmoid
    }
    let positives = try Self.indices(file, "\(prefix)_positives")
    let negatives = try Self.indices(file, "\(prefix)_negatives")
    var order = SampleOrder.preferring(positives + negatives)
    let targets = ProposalTargets(
      proposals: try OpsFixture.boxes(file, "proposals"), groundTruth: truth, configuration: configuration,
      order: &order)
    #expect(targets.candidateIndices == (try Self.indices(file, "\(prefix)_candidates")))
    #expect(targets.rois == (try OpsFixture.boxes(file, "\(prefix)_rois")))
    #expect(targets.softmaxLabels == (try Self.indices(file, "\(prefix)_labels")))
    let reference = try file.floats("\(prefix)_regression_targets")
    let foreground = targets.rois.indices.filter { targets.matchedGroundTruth[$0] != nil }
    #expect(foreground.count == positives.count)
    #expect(
      maxRelativeError(
        Self.flatten(foreground.map { targets.regressionTargets[$0] }),
        foreground.flatMap { i in (0..<4).map { reference[4 * i + $0] } }) < Self.tolerance)

    let loss = DetectionLoss.head(
      classLogits: try OpsFixture.tensor(file, "\(prefix)_logits"),
      boxDeltas: try OpsFixture.tensor(file, "\(prefix)_deltas"), targets: targets,
      configuration: configuration)
    let values = try file.floats("\(prefix)_losses")
    #expect(Self.relative(loss.classification, values[0]) < Self.tolerance)
    #expect(Self.relative(loss.localization, values[1]) < Self.tolerance)
    #expect(Self.relative(loss.total, values[2]) < Self.tolerance)
    let gradC = try file.floats("\(prefix)_grad_logits")
    let gradD = try file.floats("\(prefix)_grad_deltas")
    #expect(maxRelativeError(loss.classificationGradient.scalars, gradC) < Self.tolerance)
    #expect(maxRelativeError(loss.localizationGradient.scalars, gradD) < Self.tolerance)
  }
}
