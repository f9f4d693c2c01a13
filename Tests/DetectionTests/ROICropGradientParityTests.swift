import Detection
import Foundation
import Networks
import Tensor
import Testing

/// The 3-D ROI crop's backward (gradient to the feature map; boxes are constants) against PyTorch
/// autograd in float64 through torchvision's `roi_align(aligned=True, sampling_ratio=1)` + 2×2 max pool,
/// time kept and time averaged (the `roi_crop_*` cases of
/// Tests/NetworksTests/Fixtures/layer_gradients.safetensors, tools/make_gradient_fixtures.py).
/// Bound: max |ours − reference| / max |reference| ≤ 1e-4 (output and feature gradient).
@Suite struct ROICropGradientParityTests {
  static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../NetworksTests/Fixtures/layer_gradients.safetensors").standardized.path

  @Test(arguments: [("roi_crop_keep", ROICrop3D.TemporalMode.keep), ("roi_crop_average", .average)])
  func featureGradientMatchesAutograd(name: String, mode: ROICrop3D.TemporalMode) throws {
    let file = try SafeTensorsFile(path: Self.path)
    let features = try OpsFixture.tensor(file, "\(name).input")
    let boxes = try OpsFixture.boxes(file, "\(name).boxes")
    let crop = ROICrop3D(cropSize: 14, poolSize: 2, stride: 16, temporalMode: mode)
    let output = crop(features, boxes: boxes)
    let reference = try OpsFixture.tensor(file, "\(name).output")
    #expect(maxRelativeError(output.scalars, reference.scalars) <= 1e-4, "\(name) output")
    let dy = try OpsFixture.tensor(file, "\(name).output_gradient")
    let gradient = crop.backward(features: features, boxes: boxes, outputGradient: dy)
    let expected = try OpsFixture.tensor(file, "\(name).grad.input")
    #expect(gradient.shape == expected.shape)
    #expect(maxRelativeError(gradient.scalars, expected.scalars) <= 1e-4, "\(name) grad.input")
  }
}
