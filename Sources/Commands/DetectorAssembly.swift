import Datasets
import Detection
import Foundation
import Networks

/// One run of `assemble-detector`: reads the class names, works out the context preset, calls
/// ``DetectorCheckpoint/assemble(keyframe:context:configuration:seed:to:)`` and describes the result.
public struct DetectorAssembly {
  /// ResNet-50 backbone file.
  public var keyframe: String
  /// S3D-G backbone file.
  public var context: String
  /// Class names: a label file, `jhmdb`, `ucf24`, or a comma-separated list.
  public var classes: String
  /// Checkpoint to write.
  public var output: String
  /// Whether an existing output may be replaced.
  public var overwrite = false
  /// Seed of the RPN and head.
  public var seed: UInt64 = 1
  /// S3D-G preset name; nil: from the context file.
  public var contextPreset: String?
  /// Keyframe normalisation name; nil: from the keyframe file, else `imageNet`.
  public var keyframeNormalization: String?
  /// Head tail.
  public var tail: HeadConfiguration.Tail = .perROI
  /// ROI time axis.
  public var temporalMode: ROICrop3D.TemporalMode = .keep
  /// Score function.
  public var scoring: HeadConfiguration.Scoring = .softmax
  /// Proposals per keyframe.
  public var proposals = 300
  /// Network input (height, width).
  public var inputSize = (height: 320, width: 400)
  /// Context clip length.
  public var clipLength = 20
  /// The context trunk's stream: `.flow` inflates the RGB context backbone's stem to 2 channels.
  public var stream: ContextStream = .rgb

  /// An assembly with the paper's settings.
  public init(keyframe: String, context: String, classes: String, output: String) {
    self.keyframe = keyframe
    self.context = context
    self.classes = classes
    self.output = output
  }

  /// What was written.
  public struct Summary {
    /// The configuration stored in the checkpoint.
    public var configuration: DetectorConfiguration
    /// Counts and provenance.
    public var assembly: DetectorCheckpoint.Assembly
    /// Size of the written file in bytes.
    public var fileSize: Int
    /// The output path.
    public var path: String

    /// One line: tensors, parameters, file size, configuration, provenance.
    public var line: String {
      let h = configuration.head
      return "\(path): \(assembly.tensorCount) tensors (\(assembly.backboneTensorCount) from the backbones), "
        + "\(assembly.parameterCount) parameters, \(String(format: "%.1f", Double(fileSize) / 1e6)) MB; "
        + "\(configuration.classes.count) classes, context preset \(configuration.contextPreset)"
        + (configuration.contextStream == .flow ? " (flow stream)" : "") + ", "
        + "head \(h.tail.rawValue)/\(h.crop.temporalMode.rawValue)/\(h.scoring.rawValue), "
        + "\(configuration.rpn.proposals) proposals; weights: \(assembly.provenance)"
    }
  }

  /// Assembles the checkpoint, writes warnings to stderr, and returns the summary.
  public func run() throws -> Summary {
    let names = try Self.classNames(classes)
    let standardized = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
    if [keyframe, context].map(standardized).contains(standardized(output)) {
      throw AssembleDetectorError("\(output): the output would replace a backbone file; choose another --out")
    }
    if !overwrite && FileManager.default.fileExists(atPath: output) {
      throw AssembleDetectorError("\(output): exists; pass --overwrite to replace it")
    }
    let preset = try contextPreset ?? Self.contextPreset(of: context)
    let normalization = try keyframeNormalization ?? Self.keyframeNormalization(of: keyframe)
    let head = HeadConfiguration(tail: tail, crop: ROICrop3D(temporalMode: temporalMode), scoring: scoring)
    var configuration = DetectorConfiguration(
      classes: names, inputHeight: inputSize.height, inputWidth: inputSize.width, clipLength: clipLength,
      contextPreset: preset, keyframeNormalization: normalization,
      rpn: RPNConfiguration(preNMSTopN: max(6000, proposals), proposals: proposals), head: head)
    configuration.contextStream = stream
    let assembly = try DetectorCheckpoint.assemble(
      keyframe: keyframe, context: context, configuration: configuration, seed: seed, to: output)
    for warning in assembly.warnings {
      TerminalText.warn("warning: \(warning)")
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
    return Summary(configuration: configuration, assembly: assembly, fileSize: size, path: output)
  }

  /// Class names from a label file (one per line), a dataset name, or a comma-separated list.
  public static func classNames(_ text: String) throws -> [String] {
    var isDirectory: ObjCBool = false
    let names: [String]
    if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory) {
      guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: text) else {
        throw AssembleDetectorError("\(text): cannot read the label file (a folder, or unreadable)")
      }
      names = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      guard !names.isEmpty else { throw AssembleDetectorError("\(text): label file has no class names") }
    } else if let dataset = Dataset(rawValue: text) {
      names = dataset.classNames
    } else if text.contains("/") || text.hasSuffix(".txt") {
      throw AssembleDetectorError("\(text): no such label file")
    } else {
      names = text.split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
      guard !names.contains(where: \.isEmpty) else {
        throw AssembleDetectorError("--classes '\(text)': empty class name in the comma-separated list")
      }
    }
    var seen = Set<String>()
    if let duplicate = names.first(where: { !seen.insert($0).inserted }) {
      throw AssembleDetectorError("--classes \(text): class '\(duplicate)' appears twice")
    }
    return names
  }

  /// `HxW` (or `H×W`) as (height, width).
  public static func inputSize(_ text: String) throws -> (height: Int, width: Int) {
    let parts = text.split(whereSeparator: { $0 == "x" || $0 == "×" || $0 == "X" })
    guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]) else {
      throw AssembleDetectorError("--input-size '\(text)': expected HxW, e.g. 320x400")
    }
    return (h, w)
  }

  /// The context file's S3D-G preset (metadata or tensors), or an error naming the file.
  static func contextPreset(of path: String) throws -> String {
    guard let preset = DetectorCheckpoint.contextPreset(of: try SafeTensorsFile(path: path)) else {
      throw AssembleDetectorError(
        "\(path): context backbone: its tensors fit none of the S3D-G presets "
          + "\(DetectorConfiguration.contextPresets.keys.sorted()); pass --context-preset to see what is missing"
      )
    }
    return preset
  }

  /// The keyframe file's `input_normalization` metadata when it names a keyframe normalisation, else
  /// `imageNet`.
  static func keyframeNormalization(of path: String) throws -> String {
    let recorded = try SafeTensorsFile(path: path).metadata["input_normalization"]
    if let recorded, DetectorConfiguration.keyframeNormalizations[recorded] != nil { return recorded }
    return "imageNet"
  }
}
