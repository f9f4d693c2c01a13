import ArgumentParser
import Detection

/// Assembles a detector checkpoint from backbone files, with a freshly initialised RPN and head.
///
/// ```
/// $ assemble-detector --keyframe resnet50.safetensors --context s3dg.safetensors \
///     --classes annotations/jhmdb/labels.txt --out detector.safetensors
/// detector.safetensors: 585 tensors (575 from the backbones), 22563110 parameters, 90.3 MB; 21 classes, \
/// context preset tfSlimS3DG, head perROI/keep/softmax, 300 proposals; weights: assembled: keyframe \
/// resnet50.safetensors, context s3dg.safetensors; RPN and head freshly initialised with seed 1 (untrained)
/// $ assemble-detector --keyframe s3dg.safetensors --context s3dg.safetensors --classes jhmdb --out d.safetensors
/// Error: s3dg.safetensors: keyframe backbone: missing tensor 'conv1.weight' (shape [64, 3, 7, 7]) and 214 \
/// more of the 215 tensors of ResNet-50 conv1…layer3
/// ```
public struct AssembleDetector: ParsableCommand {
  /// The command's name, abstract and help.
  public static let configuration = CommandConfiguration(
    commandName: "assemble-detector",
    abstract: "Assemble a detector checkpoint from backbone files, with a fresh (untrained) RPN and head.",
    discussion: """
      Copies ResNet-50 conv1…layer3 from --keyframe and S3D-G Conv2d_1a…Mixed_5c from --context \
      (torchvision-named safetensors, as tools/convert_torchvision.py writes them), adds an RPN and a \
      box head initialised from --seed, and writes one checkpoint with the configuration and class \
      names in its metadata. Every tensor's name and shape is checked first. The result is meant for \
      training: its provenance says the RPN and head are untrained, and detect and eval-framemap say so.

      Examples:
        assemble-detector --keyframe resnet50.safetensors \\
          --context s3d_kinetics400.safetensors \\
          --classes annotations/jhmdb/labels.txt --out detector.safetensors
        assemble-detector --keyframe resnet50.safetensors \\
          --context s3dg.safetensors --classes ucf24 --tail shared \\
          --proposals 100 --input-size 240x320 --out fast.safetensors
      """)

  /// Keyframe backbone file.
  @Option(help: ArgumentHelp("ResNet-50 safetensors (torchvision names).", valueName: "file"))
  public var keyframe: String

  /// Context backbone file.
  @Option(help: ArgumentHelp("S3D / S3D-G safetensors (torchvision names).", valueName: "file"))
  public var context: String

  /// Class names.
  @Option(
    help: ArgumentHelp(
      "Class names: a label file (one per line, e.g. annotations/jhmdb/labels.txt), 'jhmdb', 'ucf24', "
        + "or a comma-separated list.", valueName: "classes"))
  public var classes: String

  /// Output checkpoint.
  @Option(name: .customLong("out"), help: ArgumentHelp("Checkpoint to write.", valueName: "file"))
  public var output: String

  /// Replace an existing output file.
  @Flag(help: "Replace --out if it exists (never one of the backbone files).")
  public var overwrite = false

  /// Seed of the RPN and head.
  @Option(help: "Seed of the RPN and head initialisation.")
  public var seed: UInt64 = 1

  /// S3D-G preset of the context file.
  @Option(
    help: ArgumentHelp(
      "S3D-G variant of --context: torchvision, tfSlimS3DG, howTo100M or i3d (default: the file's "
        + "'preset' metadata, else the preset whose tensors it holds).", valueName: "preset"))
  public var contextPreset: String?

  /// Keyframe input normalisation.
  @Option(
    help: ArgumentHelp(
      "Input normalisation of --keyframe: imageNet or vggMeans (default: the file's metadata, else imageNet).",
      valueName: "name"))
  public var keyframeNormalization: String?

  /// Head tail.
  @Option(help: "Head tail: 'perROI' (the paper's) or 'shared' (tail once on the whole map; faster).")
  public var tail = "perROI"

  /// ROI time axis.
  @Option(help: "ROI time axis: 'keep' (the paper's) or 'average'.")
  public var temporal = "keep"

  /// Score function.
  @Option(help: "Class scores: 'softmax' (with a background class) or 'sigmoid' (multi-label).")
  public var scoring = "softmax"

  /// Proposals per keyframe.
  @Option(help: "Proposals per keyframe.")
  public var proposals = 300

  /// Network input size.
  @Option(help: ArgumentHelp("Network input HxW, multiples of 16.", valueName: "HxW"))
  public var inputSize = "320x400"

  /// Context clip length.
  @Option(help: "Frames in the context clip (a multiple of 4).")
  public var clipLength = 20

  /// Context stream.
  @Option(
    help: """
      Context stream: 'rgb' (default) or 'flow' (the context backbone's first convolution is inflated \
      from RGB to 2 flow channels by averaging its RGB input channels, as I3D; for a flow stream).
      """)
  public var stream = "rgb"

  /// Creates the command with no arguments (ArgumentParser fills them in).
  public init() {}

  /// Checks the options that need no file access.
  public func validate() throws {
    guard HeadConfiguration.Tail(rawValue: tail) != nil else {
      throw ValidationError("--tail must be 'perROI' or 'shared', got '\(tail)'")
    }
    guard ROICrop3D.TemporalMode(rawValue: temporal) != nil else {
      throw ValidationError("--temporal must be 'keep' or 'average', got '\(temporal)'")
    }
    guard HeadConfiguration.Scoring(rawValue: scoring) != nil else {
      throw ValidationError("--scoring must be 'softmax' or 'sigmoid', got '\(scoring)'")
    }
    if let contextPreset, DetectorConfiguration.contextPresets[contextPreset] == nil {
      throw ValidationError(
        "--context-preset must be one of \(DetectorConfiguration.contextPresets.keys.sorted()), got '\(contextPreset)'"
      )
    }
    if let keyframeNormalization, DetectorConfiguration.keyframeNormalizations[keyframeNormalization] == nil {
      throw ValidationError(
        "--keyframe-normalization must be 'imageNet' or 'vggMeans', got '\(keyframeNormalization)'")
    }
    guard ContextStream(rawValue: stream) != nil else {
      throw ValidationError("--stream must be 'rgb' or 'flow', got '\(stream)'")
    }
    guard proposals >= 1 else { throw ValidationError("--proposals must be at least 1, got \(proposals)") }
    _ = try DetectorAssembly.inputSize(inputSize)
  }

  /// The assembly these options describe.
  public func job() -> DetectorAssembly {
    var job = DetectorAssembly(keyframe: keyframe, context: context, classes: classes, output: output)
    job.overwrite = overwrite
    job.seed = seed
    job.contextPreset = contextPreset
    job.keyframeNormalization = keyframeNormalization
    job.tail = HeadConfiguration.Tail(rawValue: tail) ?? .perROI
    job.temporalMode = ROICrop3D.TemporalMode(rawValue: temporal) ?? .keep
    job.scoring = HeadConfiguration.Scoring(rawValue: scoring) ?? .softmax
    job.proposals = proposals
    job.inputSize = (try? DetectorAssembly.inputSize(inputSize)) ?? (320, 400)
    job.clipLength = clipLength
    job.stream = ContextStream(rawValue: stream) ?? .rgb
    return job
  }

  /// Assembles, prints warnings on stderr and the summary line on stdout.
  public func run() throws {
    print(try job().run().line)
  }
}
