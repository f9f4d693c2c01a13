import Networks
import Tensor
import Testing

/// ResNet-50 against torchvision (float64 reference, seeded weights; tools/make_network_fixtures.py).
/// Error norm: max |ours − torchvision| / max |torchvision| ≤ 1e-4.
@Suite struct ResNet50ParityTests {
  @Test func fullNetworkMatchesTorchvisionToLogits() throws {
    let fixture = try ParityFixtures.file("resnet50")
    var weights = try ParityFixtures.weights(for: fixture)
    let network = try ResNet50(weights: &weights)
    try weights.assertAllConsumed()
    let input = try ParityFixtures.tensor(fixture, "input")
    let outputs = network.endpoints(input, [.layer3, .logits])
    let layer3 = try ParityFixtures.tensor(fixture, "layer3")
    let logits = try ParityFixtures.tensor(fixture, "logits")
    #expect(outputs[.layer3]?.shape == [1, 1024, 4, 5])
    #expect(maxRelativeError(outputs[.layer3]!, layer3) <= 1e-4)
    #expect(maxRelativeError(outputs[.logits]!, logits) <= 1e-4)
  }

  /// Odd size 1×3×45×61 (the generator's stream "input"): floor rules of strided convs and pools.
  @Test func fullNetworkMatchesTorchvisionAtOddSize() throws {
    let fixture = try ParityFixtures.file("resnet50_odd")
    var weights = try ParityFixtures.weights(for: fixture)
    let network = try ResNet50(weights: &weights)
    let outputs = network.endpoints(ParityFixtures.input(shape: [1, 3, 45, 61]), [.layer3, .logits])
    let layer3 = try ParityFixtures.tensor(fixture, "layer3")
    #expect(outputs[.layer3]?.shape == layer3.shape)
    #expect(maxRelativeError(outputs[.layer3]!, layer3) <= 1e-4)
    #expect(maxRelativeError(outputs[.logits]!, try ParityFixtures.tensor(fixture, "logits")) <= 1e-4)
  }

  @Test func trunkToLayer3UsesOnlyTrunkWeights() throws {
    let fixture = try ParityFixtures.file("resnet50")
    var weights = try ParityFixtures.weights(for: fixture)
    let trunk = try ResNet50(weights: &weights, final: .layer3)
    let unused = weights.unusedKeys
    #expect(unused.allSatisfy { $0.hasPrefix("layer4.") || $0.hasPrefix("fc.") })
    #expect(unused.count == 3 * 15 + 5 + 2)  // layer4: 3 blocks × 3 (conv + 4 BN) + downsample; fc
    let y = trunk(try ParityFixtures.tensor(fixture, "input"))
    #expect(maxRelativeError(y, try ParityFixtures.tensor(fixture, "layer3")) <= 1e-4)
  }
}

/// TF-slim `resnet_v1_50` strides (last-unit strides, subsample shortcuts, TF SAME max pool) against
/// torchvision's resnet50 re-strided in PyTorch (tools/make_network_fixtures.py `tfslim_resnet`),
/// input 1×3×45×61. Error norm: max |ours − ref| / max |ref| ≤ 1e-4.
@Suite struct ResNet50TFSlimParityTests {
  @Test func outputStride16TrunkAndClassifierMatch() throws {
    let fixture = try ParityFixtures.file("resnet50_tfslim_odd")
    let input = ParityFixtures.input(shape: [1, 3, 45, 61])
    var weights = try ParityFixtures.weights(for: fixture)
    let trunk = try ResNet50(weights: &weights, variant: .tfSlim(outputStride16: true), final: .layer3)
    let layer3 = try ParityFixtures.tensor(fixture, "layer3_os16")
    let y = trunk(input)
    #expect(y.shape == layer3.shape)
    #expect(maxRelativeError(y, layer3) <= 1e-4)
    weights = try ParityFixtures.weights(for: fixture)
    let full = try ResNet50(weights: &weights, variant: .tfSlim(outputStride16: false))
    try weights.assertAllConsumed()
    #expect(maxRelativeError(full(input), try ParityFixtures.tensor(fixture, "logits")) <= 1e-4)
  }

  @Test func outputStride16RefusesLayer4() throws {
    var weights = try ParityFixtures.weights(for: try ParityFixtures.file("resnet50_tfslim_odd"))
    #expect(throws: ConfigurationError.self) {
      _ = try ResNet50(weights: &weights, variant: .tfSlim(outputStride16: true))
    }
  }
}
