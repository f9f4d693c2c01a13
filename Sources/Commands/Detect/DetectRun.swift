import Datasets
import Detection
import Evaluation
import Foundation
import Media
import Networks
import Primitives
import Rendering
import Tensor

/// What one `detect` run does; the command fills it from its options.
public struct DetectRun {
  /// Video file or frame folder.
  public var video: String
  /// Output folder (created).
  public var outputDirectory: String
  /// Detector checkpoint, or nil.
  public var weights: String?
  /// The checkpoint used when ``weights`` is nil and ``randomInit`` is off (the shipped default
  /// model, ``DefaultDetector/path()``; nil: none, and the run stops saying what to pass).
  public var defaultModel: String? = DefaultDetector.path()
  /// Which weights the run uses, for the user: the `--weights` file, the default model, or random.
  public var modelDescription: String {
    if let weights { return weights }
    if randomInit { return "seeded random weights" }
    if let defaultModel { return "the default model (\(defaultModel)): synthetic figures only" }
    return "none"
  }
  /// Which flow stream a two-stream run adds, for the user (nil: RGB only).
  public var flowDescription: String? {
    guard asksForDefaultFlow else { return flowWeights }
    return defaultFlowModel.map { "the default flow stream (\($0)): synthetic figures only" }
      ?? "the default flow stream (missing)"
  }
  /// Seeded untrained weights instead of a checkpoint (benchmarking and plumbing only).
  public var randomInit = false
  /// Overrides the checkpoint's score threshold.
  public var scoreThreshold: Float?
  /// Minimum score of the detections drawn on the PNGs (nil: ``defaultDrawThreshold`` for trained
  /// weights, every detection for untrained ones); `detections.csv` keeps them all.
  public var drawThreshold: Float?
  /// The drawing threshold of trained weights: a frame shows what the detector is sure of, not the
  /// low-scoring alternatives the CSV keeps for evaluation.
  public static let defaultDrawThreshold: Float = 0.5
  /// Every N-th frame is a keyframe.
  public var every = 1
  /// Overrides the checkpoint's maximum detections per frame.
  public var maxDetections: Int?
  /// Keep only the K best-scoring classes of each keyframe (nil: all).
  public var topKLabels: Int?
  /// Compute threads.
  public var threads = 2
  /// GEMM precision (bf16 throws on a CPU without AVX512_BF16, before anything is read or written).
  public var precision = ComputePrecision.fp32
  /// Context trunk mode.
  public var contextMode: ActionDetector.ContextMode = .shared
  /// Head variant override (nil: the checkpoint's).
  public var tail: HeadConfiguration.Tail?
  /// ROI time-axis override (nil: the checkpoint's).
  public var temporalMode: ROICrop3D.TemporalMode?
  /// Proposal count override (nil: the checkpoint's).
  public var proposals: Int?
  /// Only the first N frames (nil: all).
  public var maxFrames: Int?
  /// Links the video's detections into tubes after detection (nil: off): then `tubes.csv` is
  /// written and the frames show the tubes, drawn in a second pass over the video (``DetectTubes``).
  public var tubes: TubeLinking?
  /// A flow detector checkpoint (``ContextStream`` `.flow`): two-stream detection, the RGB
  /// detector's boxes with the two streams' class scores averaged (``TwoStreamFusion``); nil: RGB only.
  /// ``DefaultDetector/flowKeyword`` names the shipped flow stream, ``defaultFlowModel``.
  public var flowWeights: String?
  /// The checkpoint `--flow default` uses (the shipped flow stream, ``DefaultDetector/flowPath()``;
  /// nil: none, and the run stops saying so).
  public var defaultFlowModel: String? = DefaultDetector.flowPath()
  /// Whether ``flowWeights`` names the shipped flow stream (the keyword, and no file of that name).
  var asksForDefaultFlow: Bool { DefaultDetector.namesShipped(flowWeights) }
  /// The flow checkpoint the run reads: ``flowWeights``, with the keyword resolved.
  func flowCheckpointPath() throws -> String? {
    guard asksForDefaultFlow else { return flowWeights }
    guard let defaultFlowModel else { throw DetectCommandError.missingDefaultFlow }
    return defaultFlowModel
  }
  /// Stored flow of the video (`DIR` holding `x_00001.jpg` …, or `DIR/<video name>/`); nil: TV-L1
  /// computed from the frames as they are decoded.
  public var flowRoot: String?
  /// The flow stream's share of each fused class score (``TwoStreamFusion/flowWeight``; 0.5: the
  /// average).
  public var flowWeight: Float = 0.5
  /// Whether to draw a progress bar on stderr (by default only when stderr is a terminal).
  public var showProgress = ProgressBar.stderrIsTerminal
  /// Seed of `--random-init` weights.
  public static let randomSeed: UInt64 = 1

  /// A run over `video` writing into `outputDirectory`.
  public init(video: String, outputDirectory: String) {
    self.video = video
    self.outputDirectory = outputDirectory
  }

  /// What a run reports.
  public struct Summary: Sendable {
    /// Frames read and written.
    public var frames: Int
    /// Keyframes detected on.
    public var keyframes: Int
    /// Detections written.
    public var detections: Int
    /// Tubes written (nil: no tube linking).
    public var tubes: Int?
    /// Wall-clock seconds (decode, detection, linking, PNG and CSV writing; not loading the weights).
    public var seconds: Double
    /// Seconds spent loading (or generating) the weights.
    public var loadSeconds: Double
    /// Where the weights came from; anything but "trained" is printed.
    public var provenance: String
    /// GEMM precision of the run; bf16 is printed.
    public var precision = ComputePrecision.fp32

    /// The summary line.
    public var line: String {
      let rate = seconds > 0 ? Double(frames) / seconds : 0
      return String(format: "%d frames, %d keyframes, %d detections, ", frames, keyframes, detections)
        + (tubes.map { "\($0) tubes, " } ?? "")
        + String(format: "%.2f s, %.2f frames/s (weights loaded in %.2f s)", seconds, rate, loadSeconds)
        + (precision == .fp32 ? "" : " [\(precision) GEMMs]")
        + (DetectorCheckpoint.isTrained(provenance: provenance)
          ? "" : " [weights \(provenance): NOT real detections]")
    }
  }

  /// The detector, with the run's overrides applied, and its provenance.
  func makeDetector() throws -> (ActionDetector, String) {
    var configuration: DetectorConfiguration
    var store: WeightStore
    var provenance: String
    if let path = weights {
      (configuration, provenance, store) = try DetectorCheckpoint.open(path: path)
    } else if !randomInit, let path = defaultModel {
      (configuration, provenance, store) = try DetectorCheckpoint.open(path: path)
    } else if randomInit {
      configuration = DetectorConfiguration(classes: (1...21).map { String(format: "class%02d", $0) })
      provenance = "random-init seed \(Self.randomSeed) (untrained)"
      store = try DetectorCheckpoint.seededStore(configuration, seed: Self.randomSeed)
    } else {
      throw DetectCommandError.missingWeights
    }
    if configuration.contextStream == .flow {
      throw DetectorError.badCheckpoint(
        path: weights ?? "", detail: DetectCommandError.flowDetectorAlone.description)
    }
    applyOverrides(&configuration)
    return (try ActionDetector(weights: &store, configuration: configuration), provenance)
  }

  /// The run's overrides of a checkpoint's configuration.
  func applyOverrides(_ configuration: inout DetectorConfiguration) {
    if let t = scoreThreshold { configuration.postProcessing.scoreThreshold = t }
    if let m = maxDetections { configuration.postProcessing.maxPerFrame = m }
    if let p = proposals { configuration.rpn.proposals = p }
    if let t = tail {
      configuration.head.tail = t
      configuration.head.crop.stride = t == .perROI ? 16 : 32
    }
    if let m = temporalMode { configuration.head.crop.temporalMode = m }
  }

  /// The two-stream fusion of `rgb` and the ``flowWeights`` detector (the same head overrides),
  /// with the combined provenance; nil without ``flowWeights``.
  func makeFusion(rgb: ActionDetector, provenance: String) throws -> (TwoStreamFusion, String)? {
    guard let path = try flowCheckpointPath() else { return nil }
    let loaded = try TwoStreamFusion.load(
      rgb: rgb, rgbProvenance: provenance, flowPath: path, option: "--flow", flowWeight: flowWeight,
      configure: applyOverrides)
    return (loaded.fusion, loaded.provenance)
  }

  /// Runs: decode, detect every keyframe, write PNGs and `detections.csv`, streaming (memory does not
  /// grow with the video's length). With ``tubes`` the PNGs wait for the end: the detections are
  /// kept, linked, written to `tubes.csv`, and the frames drawn in a second pass.
  public func run() throws -> Summary {
    let start = Date()
    Compute.setThreadCount(threads)
    try Compute.setPrecision(precision)
    let (detector, rgbProvenance) = try makeDetector()
    let fusion = try makeFusion(rgb: detector, provenance: rgbProvenance)
    let provenance = fusion?.1 ?? rgbProvenance
    let flowSource = try fusion.map { _ in
      try flowRoot.map { try FlowFrameSource(folder: FlowFrameSource.folder(root: $0, videoName: videoName)) }
        ?? FlowFrameSource()
    }
    let loaded = Date()
    let reader = try VideoReader(path: video)
    var bar = ProgressBar(
      title: "detect", total: reader.frameCount.map { min($0, maxFrames ?? $0) }, enabled: showProgress)
    var output: DetectOutputWriter?
    var keyframes = 0
    var kept: [FrameDetection] = []  // with tubes only
    let untrained = !DetectorCheckpoint.isTrained(provenance: provenance)
    let onFrame: (Int, RGBImage) throws -> Void = { index, image in
      if output == nil {
        output = try DetectOutputWriter(
          directory: outputDirectory, videoName: videoName, classes: detector.configuration.classes,
          every: every, untrained: untrained, drawsFrames: tubes == nil,
          drawThreshold: drawThreshold ?? (untrained ? 0 : Self.defaultDrawThreshold))
      }
      try output?.add(frame: index, image)
      bar.update(tubes == nil ? output?.framesWritten ?? 0 : index + 1)
    }
    let onKeyframe: (StreamingDetector.Keyframe) throws -> Void = { found in
      keyframes += 1
      let rows = try output?.add(
        StreamingDetector.Keyframe(
          index: found.index, detections: Self.topClasses(found.detections, k: topKLabels)))
      if tubes == nil { bar.update(output?.framesWritten ?? 0) } else { kept += rows ?? [] }
    }
    let frames: Int
    if let (fusion, _) = fusion, let flowSource {
      frames = try StreamingDetector.run(
        fusion, flow: flowSource, reader: reader, every: every, contextMode: contextMode,
        maxFrames: maxFrames,
        frame: onFrame, keyframe: onKeyframe)
    } else {
      frames = try StreamingDetector.run(
        detector, reader: reader, every: every, contextMode: contextMode, maxFrames: maxFrames,
        frame: onFrame,
        keyframe: onKeyframe)
    }
    try output?.finish(provenance: provenance, precision: precision)
    bar.finish(frames)
    var tubeCount: Int?
    if let tubes {
      let linker = DetectTubes(
        linking: tubes, every: every, classes: detector.configuration.classes, directory: outputDirectory,
        untrained: untrained)
      let numbered = linker.link(kept, frameCount: frames, width: reader.width, height: reader.height)
      try linker.write(numbered, video: videoName)
      var drawing = ProgressBar(title: "draw tubes", total: frames, enabled: showProgress)
      try linker.drawFrames(of: video, frameCount: frames, tubes: numbered) { drawing.update($0) }
      drawing.finish(frames)
      tubeCount = numbered.entries.count
    }
    return Summary(
      frames: frames, keyframes: keyframes, detections: output?.rows ?? 0, tubes: tubeCount,
      seconds: Date().timeIntervalSince(loaded), loadSeconds: loaded.timeIntervalSince(start),
      provenance: provenance, precision: precision)
  }

  /// Only the detections of the `k` classes with the highest best score (all when `k` is nil).
  static func topClasses(_ found: [DetectedAction], k: Int?) -> [DetectedAction] {
    guard let k else { return found }
    var best: [Int: Float] = [:]
    for d in found { best[d.classIndex] = max(best[d.classIndex] ?? 0, d.score) }
    let keep = Set(
      best.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(k).map(\.key))
    return found.filter { keep.contains($0.classIndex) }
  }

  /// Name of the video in the CSV: the file name without extension, or the folder name.
  var videoName: String {
    let url = URL(fileURLWithPath: video)
    let name = url.deletingPathExtension().lastPathComponent
    return name.isEmpty ? url.lastPathComponent : name
  }
}
