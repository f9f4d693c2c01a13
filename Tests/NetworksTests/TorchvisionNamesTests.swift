import Foundation
import Networks
import Testing

/// Our loaders ask for exactly torchvision's tensor names and shapes, as dumped in
/// ../shared/reference/weight_names/*.tsv (`num_batches_tracked` left out, as the converter does).
@Suite struct TorchvisionNamesTests {
  /// The dump as an in-memory store of zeros (running_var 1).
  static func store(_ file: String) throws -> WeightStore {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../../shared/reference/weight_names/\(file)").standardized.path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: "\t")
      let key = String(fields[0])
      if key.hasSuffix("num_batches_tracked") { continue }
      let shape = fields[1].dropFirst().dropLast().split(separator: ",").map {
        Int($0.trimmingCharacters(in: .whitespaces))!
      }
      let count = shape.reduce(1, *)
      tensors[key] = (shape, [Float](repeating: key.hasSuffix("running_var") ? 1 : 0, count: count))
    }
    return try WeightStore(tensors: tensors)
  }

  @Test func resnet50UsesEveryTorchvisionKey() throws {
    var weights = try Self.store("torchvision_resnet50_state_dict_keys.tsv")
    #expect(weights.keys.count == 267)
    _ = try ResNet50(weights: &weights)
    try weights.assertAllConsumed()
  }

  @Test func s3dUsesEveryTorchvisionKey() throws {
    var weights = try Self.store("torchvision_s3d_state_dict_keys.tsv")
    #expect(weights.keys.count == 387)
    _ = try S3DG(weights: &weights, configuration: .torchvision)
    try weights.assertAllConsumed()
  }

  @Test func wrongVariantNamesTheMissingKey() throws {
    var weights = try Self.store("torchvision_s3d_state_dict_keys.tsv")
    #expect(throws: WeightError.missingKey(key: "features.0.0.weight")) {
      _ = try S3DG(weights: &weights, configuration: .tfSlimS3DG)
    }
  }
}

/// ``WeightStore/tensorShapes(of:)`` lists what a loader asks for (the name table of a variant).
@Suite struct TensorShapesTests {
  /// Parameters without BN running statistics.
  static func trainable(_ shapes: [(key: String, shape: [Int])]) -> Int {
    shapes.filter { !$0.key.hasSuffix("running_mean") && !$0.key.hasSuffix("running_var") }
      .map { $0.shape.reduce(1, *) }.reduce(0, +)
  }

  @Test func listsTheTorchvisionS3DTensors() throws {
    let shapes = try WeightStore.tensorShapes { _ = try S3DG(weights: &$0, configuration: .torchvision) }
    #expect(shapes.count == 387)
    #expect(shapes.first?.key == "features.0.0.0.weight" && shapes.first?.shape == [64, 3, 1, 7, 7])
    #expect(shapes.last?.key == "classifier.1.bias")
    #expect(Self.trainable(shapes) == 8_320_048)  // torchvision's num_params
    let resnet = try WeightStore.tensorShapes { _ = try ResNet50(weights: &$0) }
    #expect(Self.trainable(resnet) == 25_557_032)
    let trunk = try WeightStore.tensorShapes { _ = try ResNet50(weights: &$0, final: .layer3) }
    #expect(Self.trainable(trunk) == 8_543_296)  // §1.5: up to layer3
    var tfSlim = S3DGConfiguration.tfSlimS3DG.stages(.conv2d_1a, .mixed_4e)
    tfSlim.batchNormScale = false
    let gated = try WeightStore.tensorShapes { _ = try S3DG(weights: &$0, configuration: tfSlim) }
    let gates = gated.filter { $0.key.hasSuffix(".gate.weight") }
    #expect(gates.count == 1 + 4 * 6)  // Conv2d_2c + 4 branches × Mixed_3b…4e
    let total: Int = gated.map { $0.shape.reduce(1, *) }.reduce(0, +)
    // detector_architecture.md §1.2: 4,047,616 trainable + 7,936 BN buffers up to Mixed_4e.
    #expect(total == 4_047_616 + 7_936)
  }
}
