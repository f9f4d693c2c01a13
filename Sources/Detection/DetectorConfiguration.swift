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

  /// A configuration with the paper's settings for `classes`.
  public init(
    classes: [String], inputHeight: Int = 320, inputWidth: Int = 400, clipLength: Int = 20,
    contextPreset: String = "tfSlimS3DG", keyframeNormalization: String = "imageNet",
    rpn: RPNConfiguration = RPNConfiguration(), head: HeadConfiguration = HeadConfiguration(),
    postProcessing: PostProcessing = PostProcessing()
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
  }

  /// The S3D-G presets by name.
  public static let contextPresets: [String: S3DGConfiguration] = [
    "torchvision": .torchvision, "tfSlimS3DG": .tfSlimS3DG, "howTo100M": .howTo100M, "i3d": .i3d,
  ]

  /// The keyframe normalisations by name.
  public static let keyframeNormalizations: [String: InputNormalization] = [
    "imageNet": .imageNet, "vggMeans": .vggMeans,
  ]

  /// The S3D-G preset, or a thrown error naming the unknown preset.
  public func contextConfiguration() throws -> S3DGConfiguration {
    guard let preset = Self.contextPresets[contextPreset] else {
      throw DetectorError.badConfiguration(
        "context preset '\(contextPreset)', expected one of \(Self.contextPresets.keys.sorted())")
    }
    return preset
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
