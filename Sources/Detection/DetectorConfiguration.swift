import Foundation
import Networks

/// Everything that defines a detector checkpoint; stored as JSON in the checkpoint's
/// `__metadata__` under `"detector"` (with the class names inside).
public struct DetectorConfiguration: Sendable, Equatable, Codable {
  /// Class names, in the order of the classifier rows (without the background).
  public var classes: [String]
  /// Network input height in pixels (320).
  public var inputHeight: Int
  /// Network input width in pixels (400).
  public var inputWidth: Int
  /// Frames in the context clip around each keyframe (20).
  public var clipLength: Int
  /// Name of the S3D-G preset of the context trunk: `torchvision`, `tfSlimS3DG`, `howTo100M`, `i3d`.
  public var contextPreset: String
  /// Name of the keyframe trunk's input normalisation: `imageNet` (torchvision) or `vggMeans` (TF-slim).
  public var keyframeNormalization: String
  /// First stage.
  public var rpn: RPNConfiguration
  /// Second stage.
  public var head: HeadConfiguration
  /// Detection post-processing.
  public var postProcessing: PostProcessing
  /// Channel width of both trunks, the RPN's input and the head's features (`.full`: the paper's).
  public var width: WidthMultiplier = .full
  /// What the context trunk sees: the clip around the keyframe (the paper), or the keyframe repeated
  /// (no motion: the ablation of the paper's temporal claim).
  public var contextFrames: ContextFrames = .clip
  /// The context trunk's modality: RGB frames (default) or optical flow (2 input channels; see
  /// ``ContextStream``). The keyframe trunk always sees the RGB keyframe.
  public var contextStream: ContextStream = .rgb
  /// What the batch norms of both trunks (ResNet-50 to `layer3`, S3D-G to `Mixed_4e`) normalise with:
  /// the running statistics (folded; assembled checkpoints), or each sample's own, as they ran in
  /// training with batch statistics one sample per forward (`train --bn trunks|training` writes this).
  /// The head's batch norms always use their running statistics.
  public var trunkStatistics: BatchNormStatistics = .running
  /// Whether the trunks learnt their features on single clips (`train` writes true): each
  /// keyframe's own clip, zero-padded at its edges by every temporal convolution. Such a detector
  /// runs its context per clip, since sharing one pass over the video changes what the trunk sees
  /// beyond the clip's edges (measured on a trained width-1/4 detector and 12 held-out synthetic
  /// videos: frame-mAP 77.75 per clip, 37.07 shared). False for assembled checkpoints.
  public var trainedOnClips = false

  /// The frames the context trunk of a keyframe is given.
  public enum ContextFrames: String, Sendable, Codable, CaseIterable {
    /// The `clipLength` frames centred on the keyframe.
    case clip
    /// The keyframe, repeated `clipLength` times.
    case keyframe
  }

  /// A configuration with the paper's settings for `classes`.
  public init(
    classes: [String], inputHeight: Int = 320, inputWidth: Int = 400, clipLength: Int = 20,
    contextPreset: String = "tfSlimS3DG", keyframeNormalization: String = "imageNet",
    rpn: RPNConfiguration = RPNConfiguration(), head: HeadConfiguration = HeadConfiguration(),
    postProcessing: PostProcessing = PostProcessing(), width: WidthMultiplier = .full
  ) {
    self.classes = classes
    self.inputHeight = inputHeight
    self.inputWidth = inputWidth
    self.clipLength = clipLength
    self.contextPreset = contextPreset
    self.keyframeNormalization = keyframeNormalization
    self.rpn = rpn
    self.head = head
    self.postProcessing = postProcessing
    self.width = width
  }

  private enum CodingKeys: String, CodingKey {
    case classes, inputHeight, inputWidth, clipLength, contextPreset, keyframeNormalization, rpn, head
    case postProcessing, width, contextFrames, contextStream, trunkStatistics, trainedOnClips
  }

  /// Decodes a configuration; `width`, `contextFrames`, `contextStream`, `trunkStatistics` and
  /// `trainedOnClips` may be absent (checkpoints written before they existed: full width, the clip,
  /// RGB, running statistics, not trained on clips).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      classes: try c.decode([String].self, forKey: .classes),
      inputHeight: try c.decode(Int.self, forKey: .inputHeight),
      inputWidth: try c.decode(Int.self, forKey: .inputWidth),
      clipLength: try c.decode(Int.self, forKey: .clipLength),
      contextPreset: try c.decode(String.self, forKey: .contextPreset),
      keyframeNormalization: try c.decode(String.self, forKey: .keyframeNormalization),
      rpn: try c.decode(RPNConfiguration.self, forKey: .rpn),
      head: try c.decode(HeadConfiguration.self, forKey: .head),
      postProcessing: try c.decode(PostProcessing.self, forKey: .postProcessing),
      width: try c.decodeIfPresent(WidthMultiplier.self, forKey: .width) ?? .full)
    contextFrames = try c.decodeIfPresent(ContextFrames.self, forKey: .contextFrames) ?? .clip
    contextStream = try c.decodeIfPresent(ContextStream.self, forKey: .contextStream) ?? .rgb
    trunkStatistics = try c.decodeIfPresent(BatchNormStatistics.self, forKey: .trunkStatistics) ?? .running
    trainedOnClips = try c.decodeIfPresent(Bool.self, forKey: .trainedOnClips) ?? false
  }

  /// Encodes every field (`contextFrames`, `contextStream`, `trunkStatistics` and `trainedOnClips`
  /// only when not the default, so an RGB clip detector's JSON is what it was before they existed).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(classes, forKey: .classes)
    try c.encode(inputHeight, forKey: .inputHeight)
    try c.encode(inputWidth, forKey: .inputWidth)
    try c.encode(clipLength, forKey: .clipLength)
    try c.encode(contextPreset, forKey: .contextPreset)
    try c.encode(keyframeNormalization, forKey: .keyframeNormalization)
    try c.encode(rpn, forKey: .rpn)
    try c.encode(head, forKey: .head)
    try c.encode(postProcessing, forKey: .postProcessing)
    try c.encode(width, forKey: .width)
    if contextFrames != .clip { try c.encode(contextFrames, forKey: .contextFrames) }
    if contextStream != .rgb { try c.encode(contextStream, forKey: .contextStream) }
    if trunkStatistics != .running { try c.encode(trunkStatistics, forKey: .trunkStatistics) }
    if trainedOnClips { try c.encode(trainedOnClips, forKey: .trainedOnClips) }
  }

  /// Channels of the keyframe feature (`layer3`) at this width: 1024 at full width.
  public var keyframeChannels: Int { width.channels(1024) }
  /// Channels of the head's ROI features (`Mixed_5c`) at this width: 1024 at full width.
  public var headFeatureChannels: Int { width.channels(1024) }

  /// The S3D-G presets by name.
  public static let contextPresets: [String: S3DGConfiguration] = [
    "torchvision": .torchvision, "tfSlimS3DG": .tfSlimS3DG, "howTo100M": .howTo100M, "i3d": .i3d,
  ]

  /// The keyframe normalisations by name.
  public static let keyframeNormalizations = InputNormalization.named.filter {
    ["imageNet", "vggMeans"].contains($0.key)
  }

  /// The S3D-G preset at this width, with the stem's input channels of ``contextStream``, or a
  /// thrown error naming the unknown preset.
  public func contextConfiguration() throws -> S3DGConfiguration {
    guard let preset = Self.contextPresets[contextPreset] else {
      throw DetectorError.badConfiguration(
        "context preset '\(contextPreset)', expected one of \(Self.contextPresets.keys.sorted())")
    }
    return preset.width(width).inputChannels(contextStream.inputChannels)
  }

  /// The S3D-G configuration of the context trunk (`Conv2d_1a` … `Mixed_4e`), batch norms as
  /// ``trunkStatistics`` says.
  public func contextTrunkConfiguration() throws -> S3DGConfiguration {
    try contextConfiguration().stages(.conv2d_1a, .mixed_4e).batchNormStatistics(trunkStatistics)
  }

  /// How a clip of bytes becomes the context trunk's input (``ContextInput``).
  public func contextInput() throws -> ContextInput {
    ContextInput(stream: contextStream, normalization: try contextConfiguration().inputNormalization)
  }

  /// The keyframe normalisation, or a thrown error naming the unknown name.
  public func keyframeInputNormalization() throws -> InputNormalization {
    guard let value = Self.keyframeNormalizations[keyframeNormalization] else {
      throw DetectorError.badConfiguration(
        "keyframe normalisation '\(keyframeNormalization)', expected one of \(Self.keyframeNormalizations.keys.sorted())"
      )
    }
    return value
  }

  /// JSON text of this configuration (sorted keys).
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  /// Decodes a configuration from checkpoint metadata JSON; `source` names the file in errors.
  public static func decode(json: String, source: String) throws -> DetectorConfiguration {
    do {
      return try JSONDecoder().decode(DetectorConfiguration.self, from: Data(json.utf8))
    } catch {
      throw DetectorError.badCheckpoint(
        path: source, detail: "metadata 'detector' is not a valid configuration: \(error)")
    }
  }
}

extension DetectorConfiguration {
  /// Throws ``DetectorError/badConfiguration(_:)`` naming the first value out of range (checkpoint
  /// metadata is user data: nothing here may trap later).
  public func validate() throws {
    func check(_ ok: Bool, _ what: @autoclosure () -> String) throws {
      if !ok { throw DetectorError.badConfiguration(what()) }
    }
    try check(!classes.isEmpty && classes.count <= 100_000, "classes: \(classes.count), expected 1…100000")
    try check(
      (16...4096).contains(inputHeight) && (16...4096).contains(inputWidth) && inputHeight % 16 == 0
        && inputWidth % 16 == 0,
      "input \(inputHeight)×\(inputWidth), expected sides in 16…4096, multiples of 16")
    try check(
      (8...256).contains(clipLength) && clipLength % 4 == 0,
      "clip length \(clipLength), expected a multiple of 4 in 8…256")
    let a = rpn.anchors
    try check(
      !a.sizes.isEmpty && !a.aspectRatios.isEmpty && a.sizes.count * a.aspectRatios.count <= 1024
        && (a.sizes + a.aspectRatios).allSatisfy { $0.isFinite && $0 > 0 }
        && a.stride == Geometry.featureStride,
      "anchors \(a.sizes) × \(a.aspectRatios) stride \(a.stride): expected positive finite values, stride 16")
    try check((1...8192).contains(rpn.hiddenChannels), "RPN channels \(rpn.hiddenChannels), expected 1…8192")
    try check(
      rpn.preNMSTopN >= 1 && (1...100_000).contains(rpn.proposals),
      "proposals \(rpn.proposals) / pre-NMS \(rpn.preNMSTopN), expected ≥ 1")
    try check(
      rpn.nmsThreshold.isFinite && rpn.minimumSize.isFinite,
      "RPN NMS threshold and minimum size must be finite")
    let crop = head.crop
    try check(
      (1...64).contains(crop.cropSize) && (1...crop.cropSize).contains(crop.poolSize)
        && crop.cropSize % crop.poolSize == 0 && crop.stride == (head.tail == .perROI ? 16 : 32),
      "ROI crop \(crop.cropSize)/\(crop.poolSize) stride \(crop.stride): expected crop 1…64 divisible by the pool, "
        + "stride 16 (per-ROI tail) or 32 (shared tail)")
    let p = postProcessing
    try check(
      p.scoreThreshold.isFinite && p.iouThreshold.isFinite && p.minimumSize.isFinite && p.maxPerClass >= 0
        && p.maxPerFrame >= 0,
      "post-processing thresholds must be finite and the caps ≥ 0")
  }
}
