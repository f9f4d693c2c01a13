import Tensor

/// Every switch on which the public S3D / S3D-G / I3D implementations differ
/// (../shared/reference/detector_architecture.md §1.4), plus the range of endpoints to build.
///
/// Presets: ``torchvision`` (S3D, `S3D_Weights.KINETICS400_V1`), ``tfSlimS3DG`` (the paper's S3D-G as
/// in TF-slim `s3dg.py`), ``howTo100M`` (MIL-NCE S3D-G port), ``i3d`` (inflated Inception-v1).
public struct S3DGConfiguration: Sendable, Equatable, Codable {
  /// Feature gating after Conv2d_2c and after each branch of every inception block.
  public enum Gating: String, Sendable, Equatable, Codable {
    /// No gates (torchvision, kylemin S3D).
    case none
    /// `<p>.gate.weight` `[c, c]` only (TF-slim `transformer_W`, transposed).
    case withoutBias
    /// `<p>.gate.weight` `[c, c]` and `<p>.gate.bias` `[c]` (HowTo100M `nn.Linear`).
    case withBias
  }

  /// The first unit, Conv2d_1a (64 channels, stride 2 in T, H and W).
  public enum Stem: Sendable, Equatable, Codable {
    /// torchvision: `1×7×7` stride (1, 2, 2) then `7×1×1` stride (2, 1, 1), each a unit
    /// (`features.0.0.*`, `features.0.1.*`; the temporal unit follows ``temporalUnit``).
    case separable
    /// TF-slim: one `t×7×7` stride-2 unit (`features.0.0.weight` `[64, 3, t, 7, 7]`, `features.0.1.*`);
    /// t = 3 by default, 7 in the "original S3D-G", 7 for I3D.
    case full(temporalKernel: Int)
    /// HowTo100M's space-to-depth stem as its equivalent `4×8×8` stride-2 unit with zero padding
    /// T (0, 2), H and W (2, 4), whatever ``padding`` says.
    case spaceToDepth
  }

  /// The second (temporal `k×1×1`) unit of every separable convolution.
  public enum TemporalUnit: String, Sendable, Equatable, Codable {
    /// Conv without bias + batch norm + ReLU (torchvision, kylemin, HowTo100M).
    case batchNorm
    /// Conv with bias + ReLU, no batch norm (TF-slim; `<p>.1.0.bias`, no `<p>.1.1.*`).
    case bias
  }

  /// How strided convolutions and pools are padded (stride-1 odd kernels agree either way).
  public enum PaddingMode: String, Sendable, Equatable, Codable {
    /// TensorFlow `SAME` (asymmetric, output `ceil(in / stride)`), as TF-slim and HowTo100M.
    case tfSame
    /// torchvision's explicit symmetric paddings and floor output sizes.
    case symmetric
  }

  /// Gating switch.
  public var gating: Gating
  /// Stem switch.
  public var stem: Stem
  /// Temporal-unit switch.
  public var temporalUnit: TemporalUnit
  /// Padding switch.
  public var padding: PaddingMode
  /// Batch-norm epsilon (1e-3 TF-slim and torchvision, 1e-5 HowTo100M).
  public var batchNormEpsilon: Float
  /// Whether batch norms have a scale `gamma` (`weight` key); TF-slim's have none.
  public var batchNormScale: Bool
  /// `true`: S3D separable 3×3×3 convs; `false`: I3D's full `3×3×3` unit (`<p>.0.weight` `[o, i, 3, 3, 3]`).
  public var separable: Bool
  /// How raw 0…255 RGB frames become network input for the checkpoints of this variant.
  public var inputNormalization: InputNormalization
  /// First stage built (its input is the previous endpoint's output).
  public var firstEndpoint: S3DGEndpoint
  /// Last stage built; the forward pass returns its output.
  public var finalEndpoint: S3DGEndpoint
  /// Number of classes of the logits (`classifier.1.weight` `[classes, 1024, 1, 1, 1]`).
  public var classes: Int
  /// Every channel count divided by ``WidthMultiplier/divisor`` (same topology and tensor names);
  /// `.full` is the published network.
  public var width: WidthMultiplier = .full
  /// Channels of the stem's input: 3 for RGB frames (every published checkpoint), 2 for optical
  /// flow (x, y), as I3D's flow stream (`features.0…weight` `[64, 2, …]`, see
  /// ``averageInputChannels(_:to:)``).
  public var inputChannels = 3
  /// What every batch norm normalises with: the running statistics (folded; every published
  /// checkpoint) or each sample's own (a trunk trained with batch statistics, one clip per forward).
  public var batchNormStatistics = BatchNormStatistics.running

  /// A configuration from every switch.
  public init(
    gating: Gating, stem: Stem, temporalUnit: TemporalUnit, padding: PaddingMode,
    batchNormEpsilon: Float, batchNormScale: Bool = true, separable: Bool = true,
    inputNormalization: InputNormalization, firstEndpoint: S3DGEndpoint = .conv2d_1a,
    finalEndpoint: S3DGEndpoint = .logits, classes: Int = 400, width: WidthMultiplier = .full,
    inputChannels: Int = 3
  ) {
    self.gating = gating
    self.stem = stem
    self.temporalUnit = temporalUnit
    self.padding = padding
    self.batchNormEpsilon = batchNormEpsilon
    self.batchNormScale = batchNormScale
    self.separable = separable
    self.inputNormalization = inputNormalization
    self.firstEndpoint = firstEndpoint
    self.finalEndpoint = finalEndpoint
    self.classes = classes
    self.width = width
    self.inputChannels = inputChannels
  }

  /// torchvision `s3d()`: no gating, separable stem, BN temporal units, symmetric padding, eps 1e-3.
  public static let torchvision = S3DGConfiguration(
    gating: .none, stem: .separable, temporalUnit: .batchNorm, padding: .symmetric, batchNormEpsilon: 1e-3,
    inputNormalization: .kineticsTorchvision)

  /// TF-slim `s3dg()` defaults: gating without bias, 3×7×7 stem, temporal bias, TF SAME, eps 1e-3
  /// (gamma-less BN in TF checkpoints: set ``batchNormScale`` false or convert with gamma = 1).
  public static let tfSlimS3DG = S3DGConfiguration(
    gating: .withoutBias, stem: .full(temporalKernel: 3), temporalUnit: .bias, padding: .tfSame,
    batchNormEpsilon: 1e-3, inputNormalization: .unitRange)

  /// HowTo100M MIL-NCE S3D-G: gating with bias, space-to-depth stem, BN temporal units, TF SAME, eps 1e-5
  /// (the video tower ends with a 512-d `fc`; here the classifier is ours).
  public static let howTo100M = S3DGConfiguration(
    gating: .withBias, stem: .spaceToDepth, temporalUnit: .batchNorm, padding: .tfSame,
    batchNormEpsilon: 1e-5,
    inputNormalization: .unitRange)

  /// I3D (inflated Inception-v1, the seed paper's baseline): full 3×3×3 convs, 7×7×7 stem, TF SAME, input
  /// in [−1, 1]. DeepMind's I3D checkpoints have gamma-less batch norm: set ``batchNormScale`` false.
  public static let i3d = S3DGConfiguration(
    gating: .none, stem: .full(temporalKernel: 7), temporalUnit: .batchNorm, padding: .tfSame,
    batchNormEpsilon: 1e-3, separable: false, inputNormalization: .symmetricUnit)

  /// This configuration with the stages `first ... final`.
  public func stages(_ first: S3DGEndpoint, _ final: S3DGEndpoint) -> S3DGConfiguration {
    var copy = self
    copy.firstEndpoint = first
    copy.finalEndpoint = final
    return copy
  }

  /// This configuration with a stem taking `channels` input channels (2: optical flow).
  public func inputChannels(_ channels: Int) -> S3DGConfiguration {
    var copy = self
    copy.inputChannels = channels
    return copy
  }

  /// This configuration at another width.
  public func width(_ width: WidthMultiplier) -> S3DGConfiguration {
    var copy = self
    copy.width = width
    return copy
  }

  /// This configuration with batch norms normalising with `statistics`.
  public func batchNormStatistics(_ statistics: BatchNormStatistics) -> S3DGConfiguration {
    var copy = self
    copy.batchNormStatistics = statistics
    return copy
  }

  /// Batch-norm normalisation of every BN unit.
  var unitNormalization: UnitNormalization {
    .batchNorm(epsilon: batchNormEpsilon, scale: batchNormScale, statistics: batchNormStatistics)
  }

  /// Padding of a convolution or pool with `kernel` whose torchvision padding is `symmetric`.
  func padding(symmetric amounts: [Int]) -> Padding {
    padding == .tfSame ? .same : .symmetric(amounts)
  }
}
