import Commands
import Detection
import Foundation
import Networks
import Testing

/// `assemble-detector` end to end: seeded full-width backbone files in, a detector checkpoint out.
@Suite struct AssembleDetectorTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let labels = repository.appendingPathComponent("annotations/jhmdb/labels.txt").path

  /// Seeded backbone tensors in torchvision names (ResNet-50 conv1…layer3, torchvision S3D
  /// Conv2d_1a…Mixed_5c), made once: the values of a seeded detector checkpoint with the prefixes removed.
  static let backbones: (keyframe: [SafeTensorsWriter.Tensor], context: [SafeTensorsWriter.Tensor]) = {
    let configuration = DetectorConfiguration(classes: ["x"], contextPreset: "torchvision")
    let all = (try? DetectorCheckpoint.seededTensors(configuration, seed: 77)) ?? []
    func part(_ prefix: String) -> [SafeTensorsWriter.Tensor] {
      all.filter { $0.name.hasPrefix(prefix) }.map {
        SafeTensorsWriter.Tensor(
          name: String($0.name.dropFirst(prefix.count)), shape: $0.shape, values: $0.values)
      }
    }
    return (part("keyframe."), part("context."))
  }()

  /// Whether `a` and `b` hold the same bits.
  static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count
      && a.withUnsafeBytes { x in
        b.withUnsafeBytes { y in x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
      }
  }

  /// Writes `tensors` (after `edit`) with `metadata` to `path`.
  static func write(
    _ tensors: [SafeTensorsWriter.Tensor], metadata: [String: String] = [:], to path: String,
    edit: (inout [SafeTensorsWriter.Tensor]) -> Void = { _ in }
  ) throws {
    var writer = SafeTensorsWriter()
    writer.tensors = tensors
    edit(&writer.tensors)
    writer.metadata = metadata
    try writer.write(to: path)
  }

  /// A temporary folder holding `keyframe.safetensors` (with extra `layer4`/`fc` tensors) and
  /// `context.safetensors` (no metadata: the preset is found from the tensors).
  static func folderWithBackbones() throws -> String {
    let dir = try DetectCommandTests.temporaryDirectory()
    try write(
      backbones.keyframe, metadata: ["architecture": "resnet50", "input_normalization": "imageNet"],
      to: dir + "/keyframe.safetensors"
    ) {
      $0.append(.init(name: "fc.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
      $0.append(.init(name: "layer4.0.conv1.weight", shape: [1], values: [7]))
    }
    try write(backbones.context, to: dir + "/context.safetensors")
    return dir
  }

  static func arguments(_ dir: String, _ extra: [String] = []) -> [String] {
    [
      "--keyframe", dir + "/keyframe.safetensors", "--context", dir + "/context.safetensors",
      "--classes", labels, "--out", dir + "/detector.safetensors", "--input-size", "64x96",
      "--clip-length", "8", "--proposals", "8", "--tail", "shared", "--seed", "9",
    ] + extra
  }

  @Test func assemblesBitIdenticalBackbonesAndFreshHead() throws {
    let dir = try Self.folderWithBackbones()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let summary = try AssembleDetector.parse(Self.arguments(dir)).job().run()

    let (configuration, provenance, store) = try DetectorCheckpoint.open(path: dir + "/detector.safetensors")
    let jhmdb = try String(contentsOfFile: Self.labels, encoding: .utf8).split(separator: "\n").map(
      String.init)
    #expect(configuration.classes == jhmdb && jhmdb.count == 21)
    #expect(configuration.contextPreset == "torchvision" && configuration.keyframeNormalization == "imageNet")
    #expect(
      configuration.inputHeight == 64 && configuration.inputWidth == 96 && configuration.clipLength == 8)
    #expect(configuration.head.tail == .shared && configuration.head.crop.stride == 32)
    #expect(configuration.rpn.proposals == 8)
    #expect(provenance == summary.assembly.provenance)
    #expect(!provenance.hasPrefix("trained"))
    #expect(provenance.contains("freshly initialised with seed 9 (untrained)"))
    #expect(
      provenance.contains(dir + "/keyframe.safetensors") && provenance.contains(dir + "/context.safetensors"))

    // Exactly the detector's tensors: backbones copied bit for bit, RPN and head as seeded with 9.
    let expected = try ParameterTable.detector(configuration)
    #expect(store.keys == expected.map(\.name).sorted())
    let file = try SafeTensorsFile(path: dir + "/detector.safetensors")
    for (prefix, tensors) in [("keyframe.", Self.backbones.keyframe), ("context.", Self.backbones.context)] {
      for t in tensors {
        #expect(file.entries[prefix + t.name]?.shape == t.shape)
        let stored = try file.floats(prefix + t.name)
        let same = Self.sameBits(stored, t.values)
        #expect(same, "\(prefix + t.name) differs")
      }
    }
    let fresh = DetectorCheckpoint.seededTensors(
      expected.filter { $0.name.hasPrefix("rpn.") || $0.name.hasPrefix("head.") }, seed: 9)
    #expect(fresh.count == 10)
    for t in fresh { #expect(try file.floats(t.name) == t.values, "\(t.name)") }

    // The summary line: counts, size, configuration and provenance.
    let size = try #require(
      try FileManager.default.attributesOfItem(atPath: dir + "/detector.safetensors")[.size] as? Int)
    let parameters = expected.reduce(0) { $0 + $1.shape.reduce(1, *) }
    #expect(summary.assembly.tensorCount == expected.count && summary.assembly.parameterCount == parameters)
    #expect(summary.assembly.backboneTensorCount == expected.count - 10)
    #expect(summary.fileSize == size && size > 4 * parameters)
    #expect(
      summary.line.contains("\(expected.count) tensors") && summary.line.contains("\(parameters) parameters"))
    #expect(summary.line.contains("21 classes") && summary.line.contains("context preset torchvision"))
    #expect(
      summary.line.contains("MB;") && summary.line.hasSuffix(provenance) && !summary.line.contains("\n"))
    #expect(summary.assembly.warnings.isEmpty)

    // No temporary file is left; a second run refuses to replace the output without --overwrite.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        == ["context.safetensors", "detector.safetensors", "keyframe.safetensors"])
    #expect {
      _ = try AssembleDetector.parse(Self.arguments(dir)).job().run()
    } throws: { "\($0)".contains("detector.safetensors: exists; pass --overwrite") }
    // With --overwrite it is replaced. A context file recording another input normalisation than its
    // preset's (kylemin's S3D: [-1, 1]) gives a warning.
    try Self.write(
      Self.backbones.context, metadata: ["preset": "torchvision", "input_normalization": "symmetricUnit"],
      to: dir + "/context.safetensors")
    let second = try AssembleDetector.parse(Self.arguments(dir, ["--overwrite", "--seed", "10"])).job().run()
    #expect(try DetectorCheckpoint.open(path: dir + "/detector.safetensors").provenance.contains("seed 10"))
    #expect(second.assembly.warnings.count == 1)
    #expect(
      second.assembly.warnings.first?.contains("trained on input normalised as 'symmetricUnit'") == true)

    // `detect` on the result runs and flags the weights as untrained.
    var job = DetectRun(video: DetectCommandTests.clip, outputDirectory: dir + "/out")
    job.weights = dir + "/detector.safetensors"
    job.maxFrames = 4
    job.every = 4
    job.showProgress = false
    let line = try job.run().line
    #expect(line.contains("seed 10 (untrained)") && line.contains("NOT real detections"))
  }

  /// A failing assembly: one line naming the file and what is wrong, and no output file.
  static func expectFailure(_ dir: String, _ extra: [String] = [], saying parts: [String]) {
    #expect {
      _ = try AssembleDetector.parse(arguments(dir, extra)).job().run()
    } throws: { error in
      let text = "\(error)"
      let ok = parts.allSatisfy(text.contains) && !text.contains("\n")
      if !ok { Issue.record("unexpected error: \(text)") }
      return ok
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/detector.safetensors"))
  }

  @Test func reportsBadBackbonesInOneLine() throws {
    let dir = try Self.folderWithBackbones()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let keyframe = dir + "/keyframe.safetensors"
    let context = dir + "/context.safetensors"

    Self.expectFailure(
      dir, ["--keyframe", dir + "/nothing.safetensors"],
      saying: [
        dir + "/nothing.safetensors: open failed: No such file or directory"
      ])
    try Data("conv1.weight,1,2,3\n".utf8).write(to: URL(fileURLWithPath: dir + "/text.safetensors"))
    Self.expectFailure(
      dir, ["--keyframe", dir + "/text.safetensors"],
      saying: [
        dir + "/text.safetensors: malformed safetensors file while reading header length"
      ])
    let whole = try Data(contentsOf: URL(fileURLWithPath: context))
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: dir + "/truncated.safetensors"))
    Self.expectFailure(
      dir, ["--context", dir + "/truncated.safetensors", "--context-preset", "torchvision"],
      saying: [
        dir + "/truncated.safetensors: malformed safetensors file", "past the data section",
      ])

    // A keyframe file without one tensor, then with one of another shape.
    try Self.write(Self.backbones.keyframe, to: keyframe) {
      $0.removeAll { $0.name == "layer3.5.bn3.running_var" }
    }
    Self.expectFailure(
      dir,
      saying: [
        keyframe + ": keyframe backbone: missing tensor 'layer3.5.bn3.running_var' (shape [1024])",
        "of the \(ParameterTable.resNet50ToLayer3().count) tensors of ResNet-50 conv1…layer3",
      ])
    try Self.write(Self.backbones.keyframe, to: keyframe) {
      if let i = $0.firstIndex(where: { $0.name == "layer2.0.conv2.weight" }) {
        $0[i] = .init(
          name: "layer2.0.conv2.weight", shape: [128, 128, 1, 1],
          values: Array($0[i].values.prefix(128 * 128)))
      }
    }
    Self.expectFailure(
      dir,
      saying: [
        keyframe
          + ": keyframe backbone: tensor 'layer2.0.conv2.weight' has shape [128, 128, 1, 1], expected [128, 128, 3, 3]"
      ])
    try Self.write(Self.backbones.keyframe, to: keyframe)

    // A torchvision S3D file read as the TF-slim S3D-G: the message names the preset that fits.
    Self.expectFailure(
      dir, ["--context-preset", "tfSlimS3DG"],
      saying: [
        context
          + ": context backbone: missing tensor 'features.0.0.weight' (shape [64, 3, 3, 7, 7]) and 60 more",
        "of the 360 tensors of S3D-G preset tfSlimS3DG Conv2d_1a…Mixed_5c",
        "the file fits context preset 'torchvision'",
      ])
    // A ResNet file as the context: fits no preset.
    Self.expectFailure(
      dir, ["--context", keyframe], saying: [keyframe + ": context backbone: its tensors fit none"])
    // A configuration out of range.
    Self.expectFailure(dir, ["--clip-length", "6"], saying: ["detector configuration: clip length 6"])
    // Class lists: a missing label file, a duplicate name.
    Self.expectFailure(
      dir, ["--classes", dir + "/labels.txt"], saying: [dir + "/labels.txt: no such label file"])
    Self.expectFailure(dir, ["--classes", "run,walk,run"], saying: ["class 'run' appears twice"])
    // The output may not replace a backbone, even with --overwrite.
    #expect {
      _ = try AssembleDetector.parse(Self.arguments(dir, ["--out", context, "--overwrite"])).job().run()
    } throws: { "\($0)".contains("would replace a backbone file") }
  }

  @Test(arguments: [
    (["--tail", "both"], "--tail must be 'perROI' or 'shared'"),
    (["--temporal", "max"], "--temporal must be 'keep' or 'average'"),
    (["--scoring", "relu"], "--scoring must be 'softmax' or 'sigmoid'"),
    (["--context-preset", "s3d"], "--context-preset must be one of"),
    (["--proposals", "0"], "--proposals must be at least 1"),
    (["--input-size", "320"], "expected HxW"),
  ])
  func rejectsBadOptions(extra: [String], message: String) {
    do {
      _ = try AssembleDetector.parse(Self.arguments("/nonexistent", extra))
      Issue.record("accepted \(extra)")
    } catch {
      #expect(AssembleDetector.message(for: error).contains(message))
    }
  }

  @Test func classListForms() throws {
    #expect(try DetectorAssembly.classNames("jhmdb").count == 21)
    #expect(try DetectorAssembly.classNames("ucf24").first == "Basketball")
    #expect(try DetectorAssembly.classNames("a, b,c") == ["a", "b", "c"])
    #expect(try DetectorAssembly.classNames(Self.labels).last == "wave")
    #expect(throws: AssembleDetectorError.self) { try DetectorAssembly.classNames("a,,b") }
  }
}
