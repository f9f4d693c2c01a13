import Foundation
import Networks
import Tensor

extension DetectorCheckpoint {
  /// What ``assemble(keyframe:context:configuration:seed:to:)`` wrote.
  public struct Assembly: Sendable, Equatable {
    /// Tensors in the checkpoint (backbones, RPN and head).
    public var tensorCount: Int
    /// Tensors copied unchanged from the two backbone files.
    public var backboneTensorCount: Int
    /// Scalars in the checkpoint.
    public var parameterCount: Int
    /// The provenance line written under ``DetectorCheckpoint/provenanceKey``.
    public var provenance: String
    /// Doubts worth a warning (a backbone's recorded input normalisation differs from the configured one).
    public var warnings: [String]
  }

  /// Assembles a checkpoint from backbone files (torchvision-named ResNet-50 and S3D-G safetensors, as
  /// written by tools/convert_torchvision.py) and a freshly initialised RPN and head (seeded with `seed`),
  /// for training.
  ///
  /// Every tensor the detector needs from the backbones is checked (name and shape) before any is
  /// read; extra backbone tensors (`layer4`, `fc`, `classifier`) are left out. The backbone tensors
  /// are copied bit for bit (as F32). The provenance says the RPN and head are untrained. The file is
  /// written to a temporary name, then renamed.
  ///
  /// - Throws: ``DetectorError/badBackbone(path:part:detail:)`` for a missing tensor or a wrong
  ///   shape, ``WeightError`` for a file that is missing or not a valid safetensors file,
  ///   ``DetectorError/badConfiguration(_:)`` for a configuration out of range.
  @discardableResult
  public static func assemble(
    keyframe keyframePath: String, context contextPath: String, configuration: DetectorConfiguration,
    seed: UInt64,
    to path: String
  ) throws -> Assembly {
    try configuration.validate()
    let context = try configuration.contextConfiguration()
    // The backbone file is an RGB network; a flow detector's stem is inflated from it.
    let rgbContext = context.inputChannels(3)
    let wanted = Dictionary(
      ParameterTable.s3dg(context, from: .conv2d_1a, to: .mixed_5c).map { ($0.name, $0.shape) },
      uniquingKeysWith: { a, _ in a })
    let keyframeFile = try SafeTensorsFile(path: keyframePath)
    let contextFile = try SafeTensorsFile(path: contextPath)
    let parts = [
      (
        part: "keyframe", prefix: "keyframe.", file: keyframeFile, network: "ResNet-50 conv1…layer3",
        entries: ParameterTable.resNet50ToLayer3(width: configuration.width)
      ),
      (
        part: "context", prefix: "context.", file: contextFile,
        network: "S3D-G preset \(configuration.contextPreset) Conv2d_1a…Mixed_5c",
        entries: ParameterTable.s3dg(rgbContext, from: .conv2d_1a, to: .mixed_5c)
      ),
    ]
    for p in parts {
      try checkBackbone(p.file, part: p.part, network: p.network, entries: p.entries)
    }
    var writer = SafeTensorsWriter()
    for p in parts {
      var store = WeightStore(file: p.file)
      for entry in p.entries {
        let values = try store.take(entry.name, shape: entry.shape)
        if p.part == "context", let shape = wanted[entry.name], shape != entry.shape {
          let stem = averageInputChannels(Tensor(shape: entry.shape, scalars: values), to: shape[1])
          writer.add(p.prefix + entry.name, shape: stem.shape, values: stem.scalars)
        } else {
          writer.add(p.prefix + entry.name, shape: entry.shape, values: values)
        }
      }
    }
    let backboneCount = writer.tensors.count
    let fresh = seededTensors(
      try ParameterTable.detector(configuration).filter {
        $0.name.hasPrefix("rpn.") || $0.name.hasPrefix("head.")
      }, seed: seed)
    for t in fresh { writer.add(t.name, shape: t.shape, values: t.values) }
    let provenance =
      "assembled: keyframe \(keyframePath), context \(contextPath); "
      + (configuration.contextStream == .flow
        ? "context stem inflated from RGB to flow (mean of the RGB input channels, I3D); " : "")
      + "RPN and head freshly initialised with seed \(seed) (untrained)"
    writer.metadata = [configurationKey: try configuration.json(), provenanceKey: provenance]
    try writer.write(to: path)
    var warnings: [String] = []
    var checks = [(keyframeFile, try configuration.keyframeInputNormalization(), "keyframe normalisation")]
    if configuration.contextStream == .rgb {
      checks.append(
        (contextFile, context.inputNormalization, "context preset \(configuration.contextPreset)"))
    }
    for (file, expected, what) in checks {
      if let name = file.metadata["input_normalization"], let recorded = InputNormalization.named[name],
        recorded != expected
      {
        warnings.append(
          "\(file.path): the backbone was trained on input normalised as '\(name)', but the \(what) "
            + "normalises differently")
      }
    }
    return Assembly(
      tensorCount: writer.tensors.count, backboneTensorCount: backboneCount,
      parameterCount: writer.tensors.reduce(0) { $0 + $1.values.count }, provenance: provenance,
      warnings: warnings)
  }

  /// The name of the S3D-G preset (a key of ``DetectorConfiguration/contextPresets``) whose tensors
  /// `Conv2d_1a` … `Mixed_5c` the file holds with their shapes: its `preset` metadata when that
  /// preset fits, else the first fitting preset by name; nil when none fits.
  public static func contextPreset(of file: SafeTensorsFile) -> String? {
    func fits(_ name: String) -> Bool {
      guard let preset = DetectorConfiguration.contextPresets[name] else { return false }
      return ParameterTable.s3dg(preset, from: .conv2d_1a, to: .mixed_5c).allSatisfy {
        file.entries[$0.name]?.shape == $0.shape
      }
    }
    if let named = file.metadata["preset"], fits(named) { return named }
    return DetectorConfiguration.contextPresets.keys.sorted().first(where: fits)
  }

  /// Throws ``DetectorError/badBackbone(path:part:detail:)`` for the first tensor of `entries` that
  /// has another shape in `file`, else for the first missing one (with the number missing).
  static func checkBackbone(
    _ file: SafeTensorsFile, part: String, network: String, entries: [ParameterTable.Entry]
  ) throws {
    var missing: [ParameterTable.Entry] = []
    var problem: String?
    for entry in entries {
      guard let found = file.entries[entry.name] else {
        missing.append(entry)
        continue
      }
      if found.shape != entry.shape {
        problem = "tensor '\(entry.name)' has shape \(found.shape), expected \(entry.shape) (\(network))"
        break
      }
    }
    if problem == nil, let first = missing.first {
      let more = missing.count > 1 ? " and \(missing.count - 1) more" : ""
      problem =
        "missing tensor '\(first.name)' (shape \(first.shape))\(more) of the \(entries.count) tensors of \(network)"
    }
    guard var detail = problem else { return }
    if part == "context", let fitting = contextPreset(of: file) {
      detail += "; the file fits context preset '\(fitting)'"
    }
    throw DetectorError.badBackbone(path: file.path, part: part, detail: detail)
  }
}
