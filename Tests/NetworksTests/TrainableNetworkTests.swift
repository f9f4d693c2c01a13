import Networks
import Tensor
import Testing

/// The trainable networks against the inference ones on the same seeded weights (randomised batch
/// norm statistics): names, shapes, and the frozen-BN forward.
@Suite struct TrainableNetworkTests {
  /// Parity-style weights: every tensor drawn with the ranges of tools/counter_random.py.
  static func seededWeights() -> WeightStore {
    let generator = CounterRandom(seed: ParityFixtures.seed)
    return WeightStore { name, shape in
      let (center, half) = ParityFixtures.range(name, shape: shape)
      return generator.values(name, count: shape.reduce(1, *), center: center, halfWidth: half)
    }
  }

  static func input(_ shape: [Int]) -> Tensor { ParityFixtures.input(shape: shape) }

  @Test(arguments: [ResNet50.Variant.torchvision, .tfSlim(outputStride16: false)])
  func resNetFrozenForwardIsTheInferenceForward(variant: ResNet50.Variant) throws {
    var weights = Self.seededWeights()
    let trainable = try TrainableResNet50(weights: &weights, variant: variant, classes: 10, width: .eighth)
    trainable.stages.setBatchNormMode(.frozen)
    let inference = try trainable.inferenceNetwork()
    let x = Self.input([1, 3, 48, 64])
    let (y, endpoints) = trainable.stages.forward(x, keeping: [.layer3])
    let reference = inference.endpoints(x, [.layer3, .logits])
    #expect(y.shape == [1, 10])
    // layer3 at stride 16 (torchvision) or 32 (TF-slim's classification strides).
    #expect(endpoints[.layer3]!.shape == (variant == .torchvision ? [1, 128, 3, 4] : [1, 128, 2, 2]))
    // Same folded convolutions and routes: equal up to the last bit in practice; 1e-6 stated.
    #expect(maxRelativeError(endpoints[.layer3]!, reference[.layer3]!) <= 1e-6)
    #expect(maxRelativeError(y, reference[.logits]!) <= 1e-6)
  }

  static let presets: [(String, S3DGConfiguration)] = [
    ("torchvision", .torchvision), ("tfSlimS3DG", .tfSlimS3DG), ("howTo100M", .howTo100M), ("i3d", .i3d),
  ]

  @Test(arguments: presets.indices)
  func s3dgFrozenForwardIsTheInferenceForward(preset: Int) throws {
    var weights = Self.seededWeights()
    let configuration = Self.presets[preset].1.width(.eighth)
    var withClasses = configuration
    withClasses.classes = 7
    let trainable = try TrainableS3DG(weights: &weights, configuration: withClasses)
    trainable.stages.setBatchNormMode(.frozen)
    let inference = try trainable.inferenceNetwork()
    let x = Self.input([1, 3, 8, 48, 48])
    let (y, endpoints) = trainable.stages.forward(x, keeping: [.mixed_4e])
    let reference = inference.endpoints(x, [.mixed_4e, .logits])
    #expect(endpoints[.mixed_4e]!.shape[1] == 66, "Mixed_4e at 1/8 width has 528 / 8 channels")
    #expect(
      maxRelativeError(endpoints[.mixed_4e]!, reference[.mixed_4e]!) <= 1e-6, "\(Self.presets[preset].0)")
    #expect(maxRelativeError(y, reference[.logits]!) <= 1e-6, "\(Self.presets[preset].0)")
  }

  @Test func stateTensorsAreTheInferenceLoadersNames() throws {
    var weights = Self.seededWeights()
    let trainable = try TrainableS3DG(weights: &weights, configuration: .tfSlimS3DG.width(.quarter))
    let names = Set(trainable.stages.stateTensors().map(\.name))
    let asked = WeightStore.tensorShapes { store in
      _ = try? S3DG(weights: &store, configuration: .tfSlimS3DG.width(.quarter))
    }
    #expect(names == Set(asked.map(\.key)))
    for (name, value) in trainable.stages.stateTensors() {
      #expect(asked.first { $0.key == name }?.shape == value.shape, "\(name)")
    }
  }

  @Test func trainingModeUsesBatchStatisticsAndUpdatesRunningOnes() throws {
    var weights = Self.seededWeights()
    let trainable = try TrainableResNet50(weights: &weights, final: .layer1, width: .eighth)
    let bn = trainable.stages.batchNorms[0]
    let before = bn.runningMean
    let x = Self.input([2, 3, 32, 32])
    let y = trainable.stages.forward(x)
    let inference = try ResNet50(weights: &weights, final: .layer1, width: .eighth)
    _ = inference
    #expect(bn.runningMean.scalars != before.scalars, "running mean follows the batch")
    // Batch statistics normalise the stem: its output has (almost) zero mean per channel before ReLU,
    // so the block output differs from the frozen (running statistics) forward.
    trainable.stages.setBatchNormMode(.frozen)
    let frozen = trainable.stages.forward(x)
    #expect(maxRelativeError(y, frozen) > 1e-3)
  }

  @Test func frozenStagesLearnNothingAndStopTheBackward() throws {
    var weights = Self.seededWeights()
    let trainable = try TrainableResNet50(weights: &weights, final: .layer2, width: .eighth)
    trainable.stages.setBatchNormMode(.frozen)
    trainable.stages.setFrozen(true, stages: [.stem, .layer1])
    let x = Self.input([1, 3, 32, 32])
    let y = trainable.stages.forward(x)
    #expect(trainable.stages.backward(y, inputGradient: true) == nil, "no input gradient unless asked")
    for p in trainable.stages.parameters {
      let norm = p.gradient.scalars.reduce(0) { $0 + abs($1) }
      if p.name.hasPrefix("layer2") && p.name.hasSuffix("conv1.weight") { #expect(norm > 0, "\(p.name)") }
      if p.name.hasPrefix("layer1") || p.name.hasPrefix("conv1") { #expect(norm == 0, "\(p.name)") }
    }
  }
}
