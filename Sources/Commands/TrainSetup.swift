import Datasets
import Detection
import Distributed
import Evaluation
import Foundation
import Networks
import Tensor
import Training

/// What `train` does once its flags are checked: loads the ground truth and checks the frames
/// root, opens (or resumes) the run, wires the progress bar and validation, and trains.
struct TrainSetup {
  let command: Train
  let groundTruth: GroundTruth
  let trainVideos: [String]
  let testVideos: [String]
  let framesRoot: String

  /// Loads and checks everything that can be checked before a step runs.
  init(command: Train) throws {
    self.command = command
    framesRoot = command.framesRoot ?? ""
    let gt: GroundTruth
    let known = Dataset(rawValue: command.dataset)
    if let path = command.gt {
      gt = try GroundTruth(actPickleAt: path)
    } else if let known {
      gt = try DatasetLayout(known, root: command.annotations).loadGroundTruth()
    } else {
      throw TrainCommandError("dataset '\(command.dataset)': expected jhmdb or ucf24, or give --gt FILE")
    }
    let digits =
      command.split.lowercased().hasPrefix("split") ? String(command.split.dropFirst(5)) : command.split
    guard let n = Int(digits), n >= 1, n <= max(gt.trainVideos.count, gt.testVideos.count) else {
      throw TrainCommandError(
        "split '\(command.split)': the ground truth has \(max(gt.trainVideos.count, gt.testVideos.count)) split(s)"
      )
    }
    var train = n <= gt.trainVideos.count ? gt.trainVideos[n - 1] : []
    if train.isEmpty, let known, command.gt == nil {
      train = try DatasetLayout.readVideoList(
        at: DatasetLayout(known, root: command.annotations).trainListPath(split: n)
      )
      .map { String($0.split(separator: " ").first ?? "") }.filter { gt.videos[$0] != nil }
    }
    guard !train.isEmpty else { throw TrainCommandError("split\(n): no training videos in the ground truth") }
    groundTruth = gt
    trainVideos = train
    let test = n <= gt.testVideos.count ? gt.testVideos[n - 1] : []
    testVideos = command.valVideos > 0 ? Array(test.prefix(command.valVideos)) : test
  }

  /// Freed tensor memory kept for reuse while training by each of `ranksOnMachine` processes: a
  /// quarter of the machine's `memory` shared between them, at most 8 GiB each. A step keeps every
  /// activation until its backward pass and frees them all at its end (more than 1 GiB for the
  /// default model at batch 8); with the 512 MiB inference default the rest went back to the system
  /// and faulted in, zeroed, on the next step (about a fifth of the step).
  static func bufferCacheBytes(
    memory: UInt64 = ProcessInfo.processInfo.physicalMemory, ranksOnMachine: Int = 1
  ) -> Int {
    min(8 << 30, Int(clamping: memory / 4 / UInt64(max(1, ranksOnMachine))))
  }

  /// Trains to the end, printing the final checkpoint and the best validation frame-mAP; with a
  /// `group`, as one rank of a data-parallel run (only rank 0 prints).
  func train(group: ProcessGroup? = nil) throws {
    Compute.setThreadCount(command.threads)
    Compute.setBufferCacheLimit(bytes: Self.bufferCacheBytes(ranksOnMachine: group?.localSize ?? 1))
    // Everything is checked before the run folder is created or touched.
    let resumed = try command.resume.map { try Trainer(resuming: $0) }
    let detector = try resumed?.detector ?? loadInitialDetector()
    let configuration = detector.configuration
    try TrainingError.checkClasses(
      checkpoint: command.initial ?? command.resume ?? "--scratch", classes: configuration.classes,
      labels: groundTruth.labels)
    // A resumed run keeps its own options; a new one takes the flags'.
    let runOptions = try resumed?.state.options ?? command.trainOptions(labels: groundTruth.labels)
    // A CPU without the bf16 instruction is refused here, before the run folder is touched (the
    // trainer binds the precision to its own steps, not to the process).
    try Compute.withPrecision(runOptions.precision ?? .fp32) {}
    if group?.isLeader ?? true { (runOptions.precision ?? .fp32).noteWhenSlowerThanFP32() }
    if configuration.contextStream == .flow, runOptions.augmentation.timeReversal != nil {
      throw TrainingError.timeReversalOfFlow
    }
    let counts = try FramesRootCheck.frameCounts(
      root: framesRoot, videos: trainVideos, expected: groundTruth.videos.mapValues(\.frameCount))
    let flowRoot = try checkedFlowRoot(configuration, frameCounts: counts)
    let trainer: Trainer
    if let resumed {
      trainer = resumed
      if let steps = command.steps { try trainer.setLastStep(steps) }
    } else {
      var provenance = [
        "train.dataset": command.dataset, "train.split": command.split,
        "train.init": command.initial ?? "scratch: \(command.scratch ?? "")",
        "train.commandLine": CommandLine.arguments.joined(separator: " "),
      ]
      if let gt = command.gt { provenance["train.groundTruth"] = gt }
      trainer = try Trainer(
        detector: detector, options: runOptions, runDirectory: command.runDirectory ?? "",
        provenance: provenance)
    }
    let examples = TrainingExample.all(in: groundTruth, videos: trainVideos)
    let builder = SampleBuilder(
      framesRoot: framesRoot, frameCounts: counts, configuration: configuration,
      augmentation: trainer.state.options.augmentation, flowRoot: flowRoot)
    if resumed == nil, command.scratch != nil, command.calibrationSamples > 0 {
      let count = try calibrate(
        detector, examples: examples, builder: builder, seed: trainer.state.options.seed)
      if group?.isLeader ?? true { print("batch norms calibrated on \(count) training samples") }
    }
    let options = trainer.state.options
    trainer.group = group
    trainer.stopAfterStep = command.stopAfter
    trainer.validationScoreThreshold = command.valScoreThreshold
    let stop = TrainStopRequest(
      timeLimit: command.timeLimit.flatMap(TrainTimeLimit.seconds), announce: group?.isLeader ?? true)
    trainer.shouldStop = { stop.isRequested }
    guard group?.isLeader ?? true else {
      try trainer.run(examples: examples, builder: builder, workers: command.loaders)
      return
    }
    if options.evalEvery > 0 && !testVideos.isEmpty {
      // The run folder, not the trainer: a closure the trainer keeps must not keep the trainer (it
      // would never be released, nor the process group it holds, and rank 0 would exit without
      // MPI_Finalize: `mpirun` then reports an improper exit and fails the job).
      let runDirectory = trainer.runDirectory
      trainer.validate = { detector in try validate(detector, runDirectory: runDirectory) }
    }
    var bar = ProgressBar(title: "step", total: options.steps)
    var lastLoss: Float = 0
    trainer.onStep = { record in
      lastLoss = record.total
      bar.update(record.step)
      if !bar.enabled, record.step % 10 == 0 || record.step == options.steps {
        print(
          String(
            format: "step %d/%d  loss %.4f  lr %.6f  %.2f s/step", record.step, options.steps,
            record.total, record.learningRate, record.seconds))
      }
    }
    trainer.onValidation = { step, map in
      FileHandle.standardError.write(
        Data(String(format: "\nstep %d: validation frame-mAP %.2f\n", step, map).utf8))
    }
    print(
      "training \(examples.count) keyframes of \(trainVideos.count) videos; from step \(trainer.state.step) "
        + "to \(options.steps); run folder \(trainer.runDirectory)")
    if let group {
      let fewest = options.batchSize / group.size
      let most = (options.batchSize + group.size - 1) / group.size
      print(
        "data-parallel: \(group.size) ranks (\(group.localSize) on this machine), global batch \(options.batchSize) "
          + "(\(fewest == most ? "\(most)" : "\(fewest)–\(most)") samples per rank)")
    }
    let final = try trainer.run(examples: examples, builder: builder, workers: command.loaders)
    if let step = trainer.stoppedAtStep {
      bar.finish(step)
      print(
        "stopped at step \(step) of \(options.steps) (\(stop.reason)): "
          + "\(trainer.runDirectory)/\(trainer.state.checkpoint); continue with --resume \(trainer.runDirectory)"
      )
    } else {
      bar.finish(options.steps)
    }
    print(
      String(
        format: "final loss %.4f; %.2f s/step", lastLoss,
        trainer.state.seconds / Double(max(1, trainer.state.step))))
    if let final { print("checkpoint: \(final)") }
    if let best = trainer.state.bestFrameMAP, let step = trainer.state.bestStep {
      print(
        String(
          format: "best validation frame-mAP %.2f at step %d: %@/best.safetensors", best, step,
          trainer.runDirectory))
    }
  }

  /// Sets the batch norms of a from-scratch detector from `--calibration-samples` training samples
  /// (the first of a seeded order, augmented as in training), before step 1; returns how many it used.
  private func calibrate(
    _ detector: TrainableActionDetector, examples: [TrainingExample], builder: SampleBuilder, seed: UInt64
  ) throws -> Int {
    let samples = try builder.calibrationSamples(
      of: examples, count: command.calibrationSamples, seed: seed ^ 0xCA1B)
    detector.calibrateBatchNorms(on: samples)
    return samples.count
  }

  /// The detector of `--init` or `--scratch`.
  private func loadInitialDetector() throws -> TrainableActionDetector {
    if let spec = command.scratch {
      var weights = WeightStore.detectorInitialization(seed: command.seed)
      return try TrainableActionDetector(
        weights: &weights, configuration: try command.scratchConfiguration(spec, classes: groundTruth.labels))
    }
    let initial = command.initial ?? ""
    do {
      var (configuration, _, weights) = try DetectorCheckpoint.open(path: initial)
      if command.stream == "flow", configuration.contextStream == .rgb {
        var (flow, flowWeights) = try DetectorCheckpoint.inflatedToFlow(configuration, weights: &weights)
        print("\(initial): RGB context trunk inflated to flow (first convolution: mean of the RGB channels)")
        return try TrainableActionDetector(weights: &flowWeights, configuration: flow)
      }
      return try TrainableActionDetector(weights: &weights, configuration: configuration)
    } catch {
      throw TrainCommandError("\(initial): cannot load the detector (\(error))")
    }
  }

  /// The flow root a flow stream reads (checked: every training video's first and last pair), nil
  /// for an RGB stream; throws when `--stream` contradicts the checkpoint, or `--flow-root` is
  /// missing for flow or given for RGB.
  func checkedFlowRoot(_ configuration: DetectorConfiguration, frameCounts: [String: Int]) throws -> String? {
    let stream = configuration.contextStream
    if let asked = command.stream, asked != stream.rawValue {
      throw TrainCommandError(
        "--stream \(asked): the detector (\(command.initial ?? command.resume ?? "--scratch")) has a "
          + "\(stream.rawValue) context stream")
    }
    guard stream == .flow else {
      if command.flowRoot != nil { throw TrainCommandError("--flow-root is for --stream flow") }
      return nil
    }
    guard let root = command.flowRoot else {
      throw TrainCommandError(
        "a flow stream needs --flow-root DIR (stored flow: <root>/<video id>/x_00001.jpg …)")
    }
    if command.evalEvery > 0 {
      throw TrainCommandError(
        "--eval-every: validating a flow stream alone is not supported yet; use --eval-every 0")
    }
    try FlowRootCheck.check(root: root, frameCounts: frameCounts)
    return root
  }

  /// Frame-mAP (percent) of `detector` on the validation videos, under the chosen protocol.
  private func validate(_ detector: ActionDetector, runDirectory: String) throws -> Double {
    let cache = "\(runDirectory)/.validation-cache"
    try? FileManager.default.removeItem(atPath: cache)
    defer { try? FileManager.default.removeItem(atPath: cache) }
    var split = SplitDetection(framesRoot: framesRoot, cacheDirectory: cache)
    split.showProgress = false
    split.contextMode = command.valContext == "perClip" ? .perClip : .shared
    let detections = try split.detections(videos: testVideos, detector: detector)
    let report = FrameMAPEvaluator(groundTruth: groundTruth, videos: testVideos, detections: detections)
      .evaluate(
        protocol: command.scoring.protocol, ties: command.scoring.ties, iouThreshold: command.scoring.iou)
    return report.mAP
  }
}
