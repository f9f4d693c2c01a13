import Networks
import Tensor

/// The Networks module's own `ResNet50` and `S3DG` (the product code path), built with random
/// weights whose names and shapes are discovered from the loaders themselves.
enum NetworkTrunks {
  /// ResNet-50 stem .. layer3 (torchvision layout, BN folded at load).
  static func resnet50() throws -> ResNet50 {
    try withDiscoveredWeights { try ResNet50(weights: &$0, first: .stem, final: .layer3) }
  }

  /// S3D-G, TF-slim configuration (gating, 3×7×7 stem, temporal bias, TF SAME), input .. Mixed_4e.
  static func s3dg() throws -> S3DG {
    let c = S3DGConfiguration.tfSlimS3DG.stages(.conv2d_1a, .mixed_4e)
    return try withDiscoveredWeights { try S3DG(weights: &$0, configuration: c) }
  }

  /// Builds `make` on a store that grows one key at a time: a missing key is added with shape
  /// `[1]`, the resulting shape mismatch names the expected shape, which is then filled with
  /// deterministic He-scaled values (variances stay positive so folded batch norms are finite).
  private static func withDiscoveredWeights<T>(_ make: (inout WeightStore) throws -> T) throws -> T {
    var tensors: [String: (shape: [Int], values: [Float])] = [:]
    var source = WeightSource()
    while true {
      var store = try WeightStore(tensors: tensors)
      do {
        return try make(&store)
      } catch WeightError.missingKey(let key) {
        tensors[key] = ([1], [0])
      } catch WeightError.shapeMismatch(let key, let expected, _) {
        let fanIn = expected.count > 1 ? expected.dropFirst().reduce(1, *) : 100
        var values = source.tensor(expected, fanIn: fanIn).scalars
        if key.hasSuffix("running_var") || key.hasSuffix("weight") && expected.count == 1 {
          values = values.map { 1 + abs($0) * 0.1 }
        }
        tensors[key] = (expected, values)
      }
    }
  }
}
