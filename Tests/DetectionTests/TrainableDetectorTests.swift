import Detection
import Networks
import Primitives
import Tensor
import Testing

/// The trainable detector's wiring: checkpoint tensors, the inference twin, and the gradient of the
/// whole step's loss (RPN + head through Mixed_4e and the S3D-G trunk) against finite differences.
@Suite struct TrainableDetectorTests {
  /// A tiny detector: width 1/8, 64×80 input, 8-frame clips, small RPN.
  static func configuration(tail: HeadConfiguration.Tail = .perROI) -> DetectorConfiguration {
    var rpn = RPNConfiguration()
    rpn.hiddenChannels = 16
    rpn.anchors = AnchorGenerator(sizes: [16, 32, 64], aspectRatios: [0.5, 1, 2], stride: 16)
    rpn.preNMSTopN = 100
    rpn.proposals = 20
    let crop = ROICrop3D(cropSize: 14, poolSize: 2, stride: tail == .perROI ? 16 : 32)
    return DetectorConfiguration(
      classes: ["a", "b", "c"], inputHeight: 64, inputWidth: 80, clipLength: 8, contextPreset: "torchvision",
      rpn: rpn, head: HeadConfiguration(tail: tail, crop: crop), width: .eighth)
  }

  static func sample() -> DetectorTrainingSample {
    let generator = CounterRandom(seed: 3)
    let keyframe = Tensor(
      shape: [1, 3, 64, 80],
      scalars: generator.values("keyframe", count: 3 * 64 * 80, center: 128, halfWidth: 100))
    let clip = Tensor(
      shape: [1, 3, 8, 64, 80],
      scalars: generator.values("clip", count: 3 * 8 * 64 * 80, center: 128, halfWidth: 100))
    return DetectorTrainingSample(
      keyframe: keyframe, clip: clip,
      boxes: [
        LabelledBox(box: Box(x1: 10, y1: 8, x2: 40, y2: 50), classIndex: 1),
        LabelledBox(box: Box(x1: 44, y1: 20, x2: 70, y2: 60), classIndex: 2),
      ])
  }

  @Test func checkpointTensorsAreTheDetectorsTensors() throws {
    let configuration = Self.configuration()
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    let ours = detector.checkpointTensors().map { "\($0.name) \($0.value.shape)" }
    let table = try ParameterTable.detector(configuration).map { "\($0.name) \($0.shape)" }
    #expect(Set(ours) == Set(table))
    #expect(ours.count == table.count)
    _ = try detector.inferenceDetector()
  }

  @Test(arguments: [HeadConfiguration.Tail.perROI, .shared])
  func stepGradientMatchesFiniteDifferences(tail: HeadConfiguration.Tail) throws {
    let configuration = Self.configuration(tail: tail)
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    detector.setTrainable(.all)
    let sample = Self.sample()
    func loss() -> Double {
      var order = SampleOrder.random(seed: 9)
      detector.zeroGradients()
      return Double(detector.accumulateGradients(for: sample, order: &order).total)
    }
    let base = loss()
    #expect(base.isFinite && base > 0)
    // Parameters whose change moves neither the proposals nor the sampled ROIs: the head's layers, its
    // tail and the S3D-G trunk (the ROIs are constants of the step).
    let probes = detector.parameters.filter {
      $0.name.hasPrefix("head.") || $0.name.hasPrefix("context.features.11.branch1")
        || $0.name.hasPrefix("context.features.12.branch0") || $0.name.hasPrefix("context.features.3.")
    }.filter { $0.value.rank > 1 }
    #expect(probes.count >= 5)
    for p in probes {
      let analytic = p.gradient
      var worst: Float = 0
      let scale = max(analytic.scalars.map { abs($0) }.max() ?? 0, 1e-3)
      for k in 0..<3 {
        let i = (k * 7919 + 13) % p.value.count
        let original = p.value
        var plus = original
        plus.withUnsafeMutableBufferPointer { $0[i] += 2e-3 }
        p.value = plus
        let up = loss()
        var minus = original
        minus.withUnsafeMutableBufferPointer { $0[i] -= 2e-3 }
        p.value = minus
        let down = loss()
        p.value = original
        let numerical = Float((up - down) / 4e-3)
        worst = max(worst, abs(numerical - analytic.scalars[i]) / scale)
      }
      _ = loss()
      // Central differences (step 2e-3) in float32 through two trunks, ReLU and max-pool kinks on the way:
      // 2e-2 of the largest gradient entry (measured worst 1.5e-2, deepest probe Conv2d_2c).
      #expect(worst <= 2e-2, "\(p.name): \(worst)")
    }
  }
}
