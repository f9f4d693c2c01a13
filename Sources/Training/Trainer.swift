import Detection
import Distributed
import Foundation
import Networks
import Tensor

/// The training loop: batches from a ``PrefetchQueue``, gradient accumulation, clipping, SGD with
/// the schedule's learning rate, checkpoints and run state every ``TrainingOptions/checkpointEvery``
/// steps and at the end, validation and `best.safetensors`, `log.csv` and `loss.png`.
///
/// Every random choice is a function of the seed and the sample index, and the state holds the
/// optimiser's state, so a run resumed from its last checkpoint ends bit-identical to an
/// uninterrupted one (at the same thread count).
///
/// With a ``group`` (an `mpirun` job, see `Trainer+DataParallel.swift`) each rank builds its
/// ``BatchShard`` of every global batch, gradients are summed over the ranks in one all-reduce per
/// step and divided by the global batch, every rank applies the same update, and rank 0 alone
/// writes the run folder and validates.
public final class Trainer {
  /// The detector being trained.
  public let detector: TrainableActionDetector
  /// The run folder.
  public let runDirectory: String
  /// The run's state (step, options, optimiser state…), current.
  public private(set) var state: RunState
  /// Validation: frame-mAP (percent) of an inference detector; nil: no validation.
  public var validate: ((ActionDetector) throws -> Double)?
  /// Minimum class score of the validation detector (nil: the configuration's).
  public var validationScoreThreshold: Float?
  /// Called after every step (progress display).
  public var onStep: ((StepRecord) -> Void)?
  /// Called after each validation with the step and the frame-mAP.
  public var onValidation: ((Int, Double) -> Void)?
  /// Stop after this step without writing anything more (tests simulate a killed run with it).
  public var stopAfterStep: Int?
  /// Asked once per step, before its gradients are combined: true ends the run after this step
  /// with a checkpoint of it, so that `--resume` continues exactly (an interrupt, a time limit).
  /// With a ``group`` every rank asks its own and the ranks stop together when any says so.
  public var shouldStop: (() -> Bool)?
  /// The step at which ``shouldStop`` ended the last ``run(examples:builder:workers:)`` (its
  /// checkpoint is ``RunState/checkpoint``); nil when the run went to its end.
  public private(set) var stoppedAtStep: Int?
  /// The ranks of a data-parallel run (nil: this process trains alone, and MPI is never called).
  public var group: ProcessGroup?
  private var optimiser: any Optimiser

  /// A new run of `detector` with `options` in `runDirectory` (created; must be writable).
  public init(
    detector: TrainableActionDetector, options: TrainingOptions, runDirectory: String,
    provenance: [String: String]
  ) throws {
    try Self.prepare(runDirectory)
    self.detector = detector
    self.runDirectory = runDirectory
    self.state = RunState(
      step: 0, examplesSeen: 0, options: options, checkpoint: "", bestFrameMAP: nil, bestStep: nil,
      seconds: 0,
      provenance: provenance, optimiserState: [:])
    self.optimiser = Self.optimiser(options)
    configure()
  }

  /// Resumes the run in `runDirectory` from its last checkpoint and state.
  public init(resuming runDirectory: String) throws {
    try Self.prepare(runDirectory)
    let state = try RunState.read(directory: runDirectory)
    let path = "\(runDirectory)/\(state.checkpoint)"
    guard FileManager.default.fileExists(atPath: path) else {
      throw TrainingError.badResume(
        path: runDirectory, detail: "the state names \(state.checkpoint), which is missing")
    }
    self.detector = try TrainableActionDetector(checkpoint: path)
    self.runDirectory = runDirectory
    self.state = state
    self.optimiser = Self.optimiser(state.options)
    for (key, value) in state.optimiserState where !optimiser.restore(value, key: key) {
      throw TrainingError.badResume(
        path: runDirectory,
        detail: "\(RunState.fileName) holds \(key), which the run's optimiser does not keep")
    }
    configure()
  }

  private func configure() {
    detector.setTrainable(state.options.parts)
    detector.setBatchNormMode(state.options.batchNormTraining ? .training : .frozen)
    detector.headTraining.groundTruthJitter = state.options.groundTruthJitter ?? 0
    if state.options.headBatchNormFrozen == true {
      for bn in detector.head.batchNorms { bn.mode = .frozen }
    }
    detector.batchNormAcrossSamples = state.options.batchNormAcrossSamples == true
    if state.options.keepBorderAnchors { detector.rpnTraining.borderTolerance = nil }
  }

  /// Creates the run folder and checks that a file can be written in it.
  static func prepare(_ directory: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw TrainingError.unwritableRunFolder(
        path: directory, reason: (error as NSError).localizedDescription)
    }
    let probe = "\(directory)/.write-test-\(getpid())"
    guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
      throw TrainingError.unwritableRunFolder(path: directory, reason: String(cString: strerror(errno)))
    }
    unlink(probe)
  }

  /// Moves a resumed run's last step to `steps` (at least the steps already taken); the schedule's
  /// end moves with it (a cosine decay is stretched or shrunk from here on; step milestones stay).
  public func setLastStep(_ steps: Int) throws {
    guard steps >= state.step else {
      throw TrainingError.badResume(
        path: runDirectory, detail: "--steps \(steps): the run has already taken \(state.step) steps")
    }
    state.options.steps = steps
    state.options.schedule.totalSteps = steps
  }

  /// Path of the checkpoint file of `step`.
  public func checkpointName(step: Int) -> String { String(format: "step-%07d.safetensors", step) }

  /// Trains until ``TrainingOptions/steps`` (or ``stopAfterStep``, or until ``shouldStop`` says so)
  /// on samples of `examples` built by `builder`; returns the path of the final checkpoint
  /// (`RUN/final.safetensors`), or nil when stopped early.
  @discardableResult
  public func run(examples: [TrainingExample], builder: SampleBuilder, workers: Int = 1) throws -> String? {
    guard !examples.isEmpty else { throw TrainingError.noExamples(detail: "the training list is empty") }
    return try Compute.withPrecision(state.options.precision ?? .fp32) {
      try runSteps(examples: examples, builder: builder, workers: workers)
    }
  }

  /// ``run(examples:builder:workers:)`` in the run's precision.
  private func runSteps(examples: [TrainingExample], builder: SampleBuilder, workers: Int) throws -> String? {
    let options = state.options
    let shard = try self.shard()
    let leader = group?.isLeader ?? true
    let order = EpochOrder(count: examples.count, seed: options.seed, shuffles: options.shuffle)
    let queue = PrefetchQueue(
      builder: builder, examples: examples, order: order, first: state.examplesSeen,
      capacity: max(4, 2 * shard.samplesPerStep), workers: workers, shard: shard)
    defer { queue.stop() }
    var log = leader ? try TrainingLog(path: "\(runDirectory)/log.csv", keepThrough: state.step) : nil
    let parameters = detector.parameters
    if group != nil { try checkIdenticalWeights() }
    stoppedAtStep = nil
    while state.step < options.steps {
      if let stop = stopAfterStep, state.step >= stop { return nil }
      let started = Date()
      detector.zeroGradients()
      var sums = [Float](repeating: 0, count: 7)
      for l in try stepLosses(queue: queue, samples: shard.samplesPerStep) {
        guard l.total.isFinite else {
          throw TrainingError.nonFiniteLoss(
            step: state.step + 1, loss: "\(l.total)",
            lastCheckpoint: state.checkpoint.isEmpty ? nil : "\(runDirectory)/\(state.checkpoint)")
        }
        sums[0] += l.rpnObjectness
        sums[1] += l.rpnLocalization
        sums[2] += l.headClassification
        sums[3] += l.headLocalization
        sums[4] += l.total
        sums[5] += l.foregroundROIs
        sums[6] += l.foregroundCorrect
        if group == nil { state.examplesSeen += 1 }
      }
      // The stop request travels with the loss sums, so every rank sees the same answer.
      sums.append(shouldStop?() == true ? 1 : 0)
      if let group {
        try reduceAcrossRanks(group, lossSums: &sums)
        state.examplesSeen += options.batchSize
      } else if options.batchSize > 1 {
        for p in parameters where !p.isFrozen {
          var g = p.gradient
          g.scale(by: 1 / Float(options.batchSize))
          p.setGradient(g)
        }
      }
      let stopping = sums.removeLast() > 0
      if let maxNorm = options.clipNorm { clipGradientNorm(parameters, maxNorm: maxNorm) }
      let rate = options.schedule.rate(atStep: state.step)
      optimiser.step(parameters, learningRate: rate, step: state.step + 1)
      state.step += 1
      if let every = options.recalibrateEvery, every > 0, state.step % every == 0 {
        try recalibrateBatchNorms(examples: examples, builder: builder)
      }
      let seconds = Date().timeIntervalSince(started)
      state.seconds += seconds
      let n = Float(options.batchSize)
      let record = StepRecord(
        step: state.step, rpnObjectness: sums[0] / n, rpnLocalization: sums[1] / n,
        headClassification: sums[2] / n,
        headLocalization: sums[3] / n, total: sums[4] / n, learningRate: rate, seconds: seconds,
        headForegroundAccuracy: sums[5] > 0 ? sums[6] / sums[5] : nil)
      log?.append(record)
      if leader { onStep?(record) }
      let last = state.step == options.steps
      var validated: Double?
      if leader, let validate, options.evalEvery > 0, state.step % options.evalEvery == 0 || last {
        let map = try validate(try detector.inferenceDetector(scoreThreshold: validationScoreThreshold))
        validated = map
        onValidation?(state.step, map)
        if state.bestFrameMAP.map({ map > $0 }) ?? true {
          state.bestFrameMAP = map
          state.bestStep = state.step
          try detector.writeCheckpoint(
            to: "\(runDirectory)/best.safetensors", metadata: metadata(validation: map))
        }
      }
      let stopsHere = stopping && !last
      if last || stopsHere || (options.checkpointEvery > 0 && state.step % options.checkpointEvery == 0) {
        if group != nil { try checkIdenticalWeights() }
        if leader {
          try checkpoint(validation: validated)
          try log?.plot(to: "\(runDirectory)/loss.png")
        }
      }
      if stopsHere {
        stoppedAtStep = state.step
        return nil
      }
    }
    let final = "\(runDirectory)/final.safetensors"
    if leader { try detector.writeCheckpoint(to: final, metadata: metadata(validation: nil)) }
    return final
  }

  /// Forward, losses and backward of one step's `samples` samples from `queue`: one at a time, or
  /// as one batch through the trunks (``TrainingOptions/batchNormAcrossSamples``); each sample's
  /// anchor and ROI sampling is seeded by its index either way.
  private func stepLosses(queue: PrefetchQueue, samples: Int) throws -> [DetectorLosses] {
    let seed = state.options.seed ^ 0xA5A5_A5A5
    var batch: [DetectorTrainingSample] = []
    var orders: [SampleOrder] = []
    var losses: [DetectorLosses] = []
    for _ in 0..<samples {
      let (index, sample) = try queue.next()
      var order = SampleOrder.random(seed: EpochOrder.mix(seed, UInt64(index)))
      if state.options.batchNormAcrossSamples == true {
        batch.append(sample)
        orders.append(order)
      } else {
        losses.append(detector.accumulateGradients(for: sample, order: &order))
      }
    }
    if !batch.isEmpty { losses = detector.accumulateGradients(batch: batch, orders: &orders) }
    return losses
  }

  /// Re-estimates every batch norm's running statistics (``TrainableActionDetector/calibrateBatchNorms(on:)``)
  /// on ``TrainingOptions/recalibrationSamples`` training samples drawn for this step from the run's
  /// seed, augmented as in training: the same samples on every rank and after a resume.
  func recalibrateBatchNorms(examples: [TrainingExample], builder: SampleBuilder) throws {
    let seed = EpochOrder.mix(state.options.seed ^ 0xCA1B, UInt64(state.step))
    let samples = try builder.calibrationSamples(
      of: examples, count: state.options.recalibrationSamples ?? 16, seed: seed)
    detector.calibrateBatchNorms(on: samples)
  }

  /// The optimiser `options` name (SGD when none is named).
  static func optimiser(_ options: TrainingOptions) -> any Optimiser {
    switch options.optimiser ?? .sgd {
    case .sgd: SGD(momentum: options.momentum, weightDecay: options.weightDecay)
    case .adamw: AdamW(weightDecay: options.weightDecay)
    }
  }

  /// Writes the checkpoint of the current step, then the state naming it, then removes the
  /// previous step's checkpoint.
  private func checkpoint(validation: Double?) throws {
    let previous = state.checkpoint
    let name = checkpointName(step: state.step)
    try detector.writeCheckpoint(to: "\(runDirectory)/\(name)", metadata: metadata(validation: validation))
    state.checkpoint = name
    state.optimiserState = optimiser.savedState
    try state.write(directory: runDirectory)
    state.optimiserState = [:]
    if !previous.isEmpty && previous != name { unlink("\(runDirectory)/\(previous)") }
  }

  /// Provenance metadata of a checkpoint written now.
  private func metadata(validation: Double?) -> [String: String] {
    var m = state.provenance
    let dataset = m["train.dataset"] ?? "?"
    let split = m["train.split"] ?? "?"
    m[DetectorCheckpoint.provenanceKey] =
      "\(DetectorCheckpoint.trainedPrefix): \(dataset) \(split), \(state.step) steps"
    m["train.steps"] = "\(state.step)"
    m["train.examplesSeen"] = "\(state.examplesSeen)"
    m["train.seconds"] = String(format: "%.1f", state.seconds)
    m["train.options"] = (try? JSONEncoder().encode(state.options)).map {
      String(decoding: $0, as: UTF8.self)
    }
    if let v = validation ?? state.bestFrameMAP {
      m["train.validationFrameMAP"] = String(format: "%.2f", v)
    }
    return m
  }
}
