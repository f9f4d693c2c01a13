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
