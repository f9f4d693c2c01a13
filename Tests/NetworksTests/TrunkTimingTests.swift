import Foundation
import Networks
import Tensor
import Testing

/// Prints the time of the detector's two trunks at its input size (no assertion: performance is
/// judged by benchmarks, not tests). `NETWORKS_TIMING=1 swift test --filter TrunkTimingTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["NETWORKS_TIMING"] != nil))
struct TrunkTimingTests {
  func seconds(_ body: () -> Tensor) -> (Double, [Int]) {
    let start = DispatchTime.now().uptimeNanoseconds
    let y = body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, y.shape)
  }

  @Test func detectorTrunks() throws {
    Compute.setThreadCount(2)
    var resnetWeights = try ParityFixtures.weights(for: try ParityFixtures.file("resnet50"))
    let resnet = try ResNet50(weights: &resnetWeights, final: .layer3)
    let image = ParityFixtures.input(shape: [1, 3, 320, 400])
    var s3dWeights = try ParityFixtures.weights(for: try ParityFixtures.file("s3d_tfslim_s3dg"))
    let s3dg = try S3DG(weights: &s3dWeights, configuration: .tfSlimS3DG.stages(.conv2d_1a, .mixed_4e))
    let clip = ParityFixtures.input(shape: [1, 3, 20, 320, 400])
    for _ in 0..<2 {
      let (r, rShape) = seconds { resnet(image) }
      let (s, sShape) = seconds { s3dg(clip) }
      print("TIMING ResNet-50 to layer3 \(rShape): \(r) s; S3D-G to Mixed_4e \(sShape): \(s) s")
    }
    var x = clip
    var line = "TIMING S3D-G per stage:"
    for endpoint in S3DGEndpoint.allCases where endpoint <= .mixed_4e {
      var single = S3DGConfiguration.tfSlimS3DG.stages(endpoint, endpoint)
      single.batchNormScale = true
      var stageWeights = try ParityFixtures.weights(for: try ParityFixtures.file("s3d_tfslim_s3dg"))
      let stage = try S3DG(weights: &stageWeights, configuration: single)
      let (t, _) = seconds { stage(x) }
      x = stage(x)
      line += " \(endpoint) \(String(format: "%.3f", t))"
    }
    print(line)
  }
}
