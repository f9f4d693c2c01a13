import Networks
import Tensor
import Testing

/// `batchNormScale: false` (TF-slim / DeepMind I3D batch norm without gamma) equals gamma = 1
/// (tolerance: max relative error ≤ 1e-6).
@Suite struct BatchNormScaleTests {
  @Test func gammaLessBatchNormEqualsUnitGamma() throws {
    let fixture = try ParityFixtures.file("s3d_tfslim_s3dg")
    var withGamma: [String: (shape: [Int], values: [Float])] = [:]
    var withoutGamma: [String: (shape: [Int], values: [Float])] = [:]
    let generator = CounterRandom(seed: 11)
    for (name, shape) in ParityFixtures.parameters(fixture) where name.hasPrefix("features.15.") {
      let (center, half) = ParityFixtures.range(name, shape: shape)
      let isGamma = shape.count == 1 && name.hasSuffix(".1.weight")
      let values =
        isGamma
        ? [Float](repeating: 1, count: shape[0])
        : generator.values(name, count: shape.reduce(1, *), center: center, halfWidth: half)
      withGamma[name] = (shape, values)
      if !isGamma { withoutGamma[name] = (shape, values) }
    }
    #expect(withoutGamma.count < withGamma.count)
    var configuration = S3DGConfiguration.tfSlimS3DG.stages(.mixed_5c, .mixed_5c)
    var a = try WeightStore(tensors: withGamma)
    let scaled = try S3DG(weights: &a, configuration: configuration)
    try a.assertAllConsumed()
    configuration.batchNormScale = false
    var b = try WeightStore(tensors: withoutGamma)
    let unscaled = try S3DG(weights: &b, configuration: configuration)
    try b.assertAllConsumed()
    let x = Tensor(shape: [1, 832, 2, 3, 4], scalars: generator.values("x", count: 832 * 24, center: 0.5))
    #expect(maxRelativeError(unscaled(x), scaled(x)) <= 1e-6)
  }
}
