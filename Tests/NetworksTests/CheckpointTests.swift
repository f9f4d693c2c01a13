import Foundation
import Networks
import Testing

/// Loads real converted checkpoints when their paths are given (tools/convert_torchvision.py), e.g.
/// `NETWORKS_RESNET50=resnet50.safetensors NETWORKS_S3D=s3d.safetensors swift test --filter CheckpointTests`.
@Suite struct CheckpointTests {
  static let environment = ProcessInfo.processInfo.environment

  @Test(.enabled(if: environment["NETWORKS_RESNET50"] != nil))
  func torchvisionResNet50LoadsWithEveryKeyUsed() throws {
    var weights = try WeightStore(path: Self.environment["NETWORKS_RESNET50"]!)
    _ = try ResNet50(weights: &weights)
    try weights.assertAllConsumed()
  }

  @Test(.enabled(if: environment["NETWORKS_S3D"] != nil))
  func torchvisionS3DLoadsWithEveryKeyUsed() throws {
    var weights = try WeightStore(path: Self.environment["NETWORKS_S3D"]!)
    _ = try S3DG(weights: &weights, configuration: .torchvision)
    try weights.assertAllConsumed()
  }

  @Test(.enabled(if: environment["NETWORKS_HOWTO100M"] != nil))
  func howTo100MLoadsWithEveryKeyUsed() throws {
    var weights = try WeightStore(path: Self.environment["NETWORKS_HOWTO100M"]!)
    _ = try S3DG(weights: &weights, configuration: .howTo100M.stages(.conv2d_1a, .mixed_5c))
    try weights.assertAllConsumed()
  }
}
