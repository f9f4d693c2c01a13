/// The endpoints of S3D-G / S3D / I3D in network order, named as in TF-slim's `s3dg.py`.
///
/// `featureIndex` is the torchvision `features.N` index whose tensors the stage owns.
public enum S3DGEndpoint: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
  /// Stem, 64 channels, stride (2, 2, 2).
  case conv2d_1a = 0
  /// Max pool (1, 3, 3) / (1, 2, 2).
  case maxPool_2a
  /// 1×1×1 unit, 64 channels.
  case conv2d_2b
  /// Separable 3×3×3 unit, 192 channels, gated.
  case conv2d_2c
  /// Max pool (1, 3, 3) / (1, 2, 2).
  case maxPool_3a
  /// Inception block, 256 channels.
  case mixed_3b
  /// Inception block, 480 channels.
  case mixed_3c
  /// Max pool (3, 3, 3) / (2, 2, 2).
  case maxPool_4a
  /// Inception block, 512 channels.
  case mixed_4b
  /// Inception block, 512 channels.
  case mixed_4c
  /// Inception block, 512 channels.
  case mixed_4d
  /// Inception block, 528 channels: the detector's context feature (stride 4 in T, 16 in H, W).
  case mixed_4e
  /// Inception block, 832 channels.
  case mixed_4f
  /// Max pool (2, 2, 2) / (2, 2, 2).
  case maxPool_5a
  /// Inception block, 832 channels.
  case mixed_5b
  /// Inception block, 1024 channels.
  case mixed_5c
  /// Average pool (2, 7, 7) clipped to the input, 1×1×1 conv with bias, mean over T, H, W → `[n, classes]`.
  case logits

  /// The torchvision `features.N` index (`nil` for the logits).
  public var featureIndex: Int? { self == .logits ? nil : rawValue }

  /// TF-slim's endpoint name (`"Mixed_4e"`, …).
  public var description: String {
    switch self {
    case .conv2d_1a: return "Conv2d_1a_7x7"
    case .maxPool_2a: return "MaxPool_2a_3x3"
    case .conv2d_2b: return "Conv2d_2b_1x1"
    case .conv2d_2c: return "Conv2d_2c_3x3"
    case .maxPool_3a: return "MaxPool_3a_3x3"
    case .mixed_3b: return "Mixed_3b"
    case .mixed_3c: return "Mixed_3c"
    case .maxPool_4a: return "MaxPool_4a_3x3"
    case .mixed_4b: return "Mixed_4b"
    case .mixed_4c: return "Mixed_4c"
    case .mixed_4d: return "Mixed_4d"
    case .mixed_4e: return "Mixed_4e"
    case .mixed_4f: return "Mixed_4f"
    case .maxPool_5a: return "MaxPool_5a_2x2"
    case .mixed_5b: return "Mixed_5b"
    case .mixed_5c: return "Mixed_5c"
    case .logits: return "Logits"
    }
  }

  /// Orders endpoints by their position in the network.
  public static func < (lhs: S3DGEndpoint, rhs: S3DGEndpoint) -> Bool { lhs.rawValue < rhs.rawValue }
}
