import Tensor
import Testing

@testable import Networks

/// S3D / S3D-G / I3D variants against tools/s3dg_reference.py (float64, seeded weights, input
/// 1×3×8×64×80). The `torchvision` variant's reference is checked against torchvision's own `s3d()`
/// by the fixture script; the others (TF-slim S3D-G, HowTo100M, I3D) are our PyTorch reference written
/// from detector_architecture.md §1.1–1.4. Error norm: max |ours − ref| / max |ref| ≤ 1e-4.
@Suite struct S3DGParityTests {
  static let variants: [(String, S3DGConfiguration)] = [
    ("torchvision", .torchvision),
    ("tfslim_s3dg", .tfSlimS3DG),
    (
      "tfslim_s3dg_777",
      {
        var c = S3DGConfiguration.tfSlimS3DG; c.stem = .full(temporalKernel: 7); return c
      }()
    ),
    ("howto100m", .howTo100M),
    ("i3d", .i3d),
  ]

  @Test(arguments: variants.map(\.0))
  func variantMatchesReferenceToLogits(_ name: String) throws {
    let input = try ParityFixtures.tensor(try ParityFixtures.file("s3d_input"), "input")
    try check(fixture: "s3d_\(name)", variant: name, input: input)
  }

  /// Odd sizes (input 1×3×7×45×61, the generator's stream "input") exercise uneven TF SAME padding
  /// and torchvision's floor rules.
  @Test(arguments: ["torchvision", "tfslim_s3dg", "i3d"])
  func variantMatchesReferenceAtOddSizes(_ name: String) throws {
    try check(
      fixture: "s3d_\(name)_odd", variant: name, input: ParityFixtures.input(shape: [1, 3, 7, 45, 61]))
  }

  func check(fixture fixtureName: String, variant: String, input: Tensor) throws {
    let configuration = Self.variants.first { $0.0 == variant }!.1
    let fixture = try ParityFixtures.file(fixtureName)
    #expect(fixture.metadata["input_shape"] == input.shape.map(String.init).joined(separator: ","))
    var weights = try ParityFixtures.weights(for: fixture)
    let network = try S3DG(weights: &weights, configuration: configuration)
    try weights.assertAllConsumed()
    let outputs = network.endpoints(input, [.mixed_4e, .logits])
    let mixed4e = try ParityFixtures.tensor(fixture, "Mixed_4e")
    #expect(outputs[.mixed_4e]?.shape == mixed4e.shape)
    #expect(outputs[.logits]?.shape == [1, 400])
    let e4 = maxRelativeError(outputs[.mixed_4e]!, mixed4e)
    let eLogits = maxRelativeError(outputs[.logits]!, try ParityFixtures.tensor(fixture, "logits"))
    #expect(e4 <= 1e-4, "\(fixtureName) Mixed_4e error \(e4)")
    #expect(eLogits <= 1e-4, "\(fixtureName) logits error \(eLogits)")
  }

  @Test func trunkAndTailComposeToTheFullNetwork() throws {
    let fixture = try ParityFixtures.file("s3d_tfslim_s3dg")
    var weights = try ParityFixtures.weights(for: fixture)
    let trunk = try S3DG(weights: &weights, configuration: .tfSlimS3DG.stages(.conv2d_1a, .mixed_4e))
    let tail = try S3DG(weights: &weights, configuration: .tfSlimS3DG.stages(.mixed_4f, .logits))
    try weights.assertAllConsumed()
    let input = try ParityFixtures.tensor(try ParityFixtures.file("s3d_input"), "input")
    let mixed4e = trunk(input)
    #expect(maxRelativeError(mixed4e, try ParityFixtures.tensor(fixture, "Mixed_4e")) <= 1e-4)
    #expect(maxRelativeError(tail(mixed4e), try ParityFixtures.tensor(fixture, "logits")) <= 1e-4)
  }
}

/// The head runs batches of ROI tubes: a batch of two equals the two samples run alone (≤ 1e-5).
@Suite struct S3DGBatchTests {
  @Test func batchedTailEqualsSamplesRunAlone() throws {
    let fixture = try ParityFixtures.file("s3d_tfslim_s3dg")
    var weights = try ParityFixtures.weights(for: fixture)
    let tail = try S3DG(weights: &weights, configuration: .tfSlimS3DG.stages(.mixed_4f, .logits))
    let generator = CounterRandom(seed: 3)
    let one = [528, 3, 7, 7].reduce(1, *)
    let a = generator.values("a", count: one, center: 0.5, halfWidth: 0.5)
    let b = generator.values("b", count: one, center: 0.5, halfWidth: 0.5)
    let batch = tail(Tensor(shape: [2, 528, 3, 7, 7], scalars: a + b))
    let alone =
      tail(Tensor(shape: [1, 528, 3, 7, 7], scalars: a)).scalars
      + tail(Tensor(shape: [1, 528, 3, 7, 7], scalars: b)).scalars
    #expect(batch.shape == [2, 400])
    #expect(maxRelativeError(batch, Tensor(shape: [2, 400], scalars: alone)) <= 1e-5)
  }
}

/// A gated unit followed by a max pool (`Conv2d_2c` → `MaxPool_3a`) pools before it scales by the
/// gates: the same bits as gating the full map first, for the output and for every endpoint asked
/// for, including the unit's own (which then takes the unfused path).
@Suite struct S3DGGatePoolTests {
  @Test func poolingBeforeScalingGivesTheSameBits() throws {
    let fixture = try ParityFixtures.file("s3d_tfslim_s3dg")
    var weights = try ParityFixtures.weights(for: fixture)
    let trunk = try S3DG(weights: &weights, configuration: .tfSlimS3DG.stages(.conv2d_1a, .mixed_3b))
    let input = try ParityFixtures.tensor(try ParityFixtures.file("s3d_input"), "input")
    let stageByStage = trunk.stages.reduce(into: [S3DGEndpoint: Tensor]()) { outputs, stage in
      let previous = trunk.stages.firstIndex { $0.endpoint == stage.endpoint }.map {
        $0 == 0 ? input : outputs[trunk.stages[$0 - 1].endpoint]!
      }!
      outputs[stage.endpoint] = S3DG.run(stage.stage, previous)
    }
    let bits = { (t: Tensor) in t.scalars.map(\.bitPattern) }
    #expect(bits(trunk(input)) == bits(stageByStage[.mixed_3b]!))
    let fused = trunk.endpoints(input, [.maxPool_3a, .mixed_3b])
    #expect(bits(fused[.maxPool_3a]!) == bits(stageByStage[.maxPool_3a]!))
    let unfused = trunk.endpoints(input, [.conv2d_2c, .maxPool_3a])
    #expect(bits(unfused[.conv2d_2c]!) == bits(stageByStage[.conv2d_2c]!))
    #expect(bits(unfused[.maxPool_3a]!) == bits(stageByStage[.maxPool_3a]!))
  }
}
