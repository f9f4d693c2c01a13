import Tensor

/// How raw RGB values in 0…255 become network input: `(x / 255 − mean[c]) / std[c]` per channel.
public struct InputNormalization: Sendable, Equatable, Codable {
  /// Per-channel mean (R, G, B) on the 0…1 scale.
  public var mean: [Float]
  /// Per-channel standard deviation (R, G, B) on the 0…1 scale.
  public var std: [Float]

  /// A normalisation with 3 means and 3 standard deviations.
  public init(mean: [Float], std: [Float]) {
    precondition(mean.count == 3 && std.count == 3, "InputNormalization: 3 means and 3 stds expected")
    self.mean = mean
    self.std = std
  }

  /// RGB / 255 in [0, 1] (TF-slim S3D-G as used by D3D, HowTo100M).
  public static let unitRange = InputNormalization(mean: [0, 0, 0], std: [1, 1, 1])
  /// `x · 2 / 255 − 1` in [−1, 1] (kylemin S3D, I3D).
  public static let symmetricUnit = InputNormalization(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])
  /// torchvision video classification preset (`S3D_Weights.KINETICS400_V1`).
  public static let kineticsTorchvision = InputNormalization(
    mean: [0.43216, 0.394666, 0.37645], std: [0.22803, 0.22145, 0.216989])
  /// torchvision ImageNet preset (`ResNet50_Weights`).
  public static let imageNet = InputNormalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
  /// TF-slim ResNet (VGG means, no scaling): `x − [123.68, 116.779, 103.939]` on the 0…255 scale.
  public static let vggMeans = InputNormalization(
    mean: [123.68 / 255, 116.779 / 255, 103.939 / 255], std: [1 / 255, 1 / 255, 1 / 255])

  /// The presets by the names the conversion scripts write under the metadata key
  /// `input_normalization` (and configurations use).
  public static let named: [String: InputNormalization] = [
    "unitRange": .unitRange, "symmetricUnit": .symmetricUnit, "kineticsTorchvision": .kineticsTorchvision,
    "imageNet": .imageNet, "vggMeans": .vggMeans,
  ]

  /// Normalises `x` (`[n, 3, ...]`, values 0…255) channel by channel.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 2 && x.shape[1] == 3, "InputNormalization: input \(x.shape), [n, 3, ...] expected")
    var y = x
    let plane = x.count / max(x.shape[0] * 3, 1)
    let scale = (0..<3).map { 1 / (255 * std[$0]) }
    let shift = (0..<3).map { -mean[$0] / std[$0] }
    y.withUnsafeMutableBufferPointer { p in
      for row in 0..<(x.shape[0] * 3) {
        let (a, b) = (scale[row % 3], shift[row % 3])
        for i in (row * plane)..<((row + 1) * plane) { p[i] = p[i] * a + b }
      }
    }
    return y
  }
}
