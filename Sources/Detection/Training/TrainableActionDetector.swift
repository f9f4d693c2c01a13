import Foundation
import Networks
import Primitives
import Tensor

/// One training example, at the detector's input size.
public struct DetectorTrainingSample: Sendable {
  /// Keyframe `[1, 3, H, W]`, raw RGB 0…255, H × W the configuration's input size.
  public var keyframe: Tensor
  /// Clip `[1, 3, T, H, W]`, raw 0…255, T the configuration's clip length (frames as
  /// ``ActionDetector/clipIndices(keyframe:frameCount:)`` picks them).
  public var clip: Tensor
  /// Ground truth in input pixels (0-based `x1, y1, x2, y2`), classes 0-based.
  public var boxes: [LabelledBox]

  /// A sample from its tensors and boxes.
  public init(keyframe: Tensor, clip: Tensor, boxes: [LabelledBox]) {
    self.keyframe = keyframe
    self.clip = clip
    self.boxes = boxes
  }
}

/// Loss values of one step, normalised and weighted as ``DetectionLoss`` defines them.
public struct DetectorLosses: Sendable, Equatable {
  /// RPN objectness (weighted).
  public var rpnObjectness: Float = 0
  /// RPN box regression (weighted).
  public var rpnLocalization: Float = 0
  /// Head classification (weighted).
  public var headClassification: Float = 0
  /// Head box regression (weighted).
  public var headLocalization: Float = 0
  /// Foreground ROIs the head classified (a count, not a loss).
  public var foregroundROIs: Float = 0
  /// Of those, the ROIs whose highest class score is one of their classes.
  public var foregroundCorrect: Float = 0
  /// Sum of the four losses.
  public var total: Float { rpnObjectness + rpnLocalization + headClassification + headLocalization }

  /// Zero losses.
  public init() {}

  /// The element-wise sum of two loss sets.
  public static func + (a: DetectorLosses, b: DetectorLosses) -> DetectorLosses {
    var s = DetectorLosses()
    s.rpnObjectness = a.rpnObjectness + b.rpnObjectness
    s.rpnLocalization = a.rpnLocalization + b.rpnLocalization
    s.headClassification = a.headClassification + b.headClassification
    s.headLocalization = a.headLocalization + b.headLocalization
    s.foregroundROIs = a.foregroundROIs + b.foregroundROIs
    s.foregroundCorrect = a.foregroundCorrect + b.foregroundCorrect
    return s
  }
}

/// Which parts of the detector learn.
public enum TrainableParts: String, Sendable, CaseIterable, Codable {
  /// The RPN and the head (with the S3D-G tail `Mixed_4f`…`Mixed_5c`); both trunks frozen.
  case rpnAndHead
  /// The head (with its tail) only.
  case headOnly
  /// Everything, both trunks included.
  case all
}

/// The whole detector that can learn: the trainable twin of ``ActionDetector`` (same checkpoint
/// tensors and configuration), trained end to end with the RPN and head losses of
/// ``DetectionLoss`` as the paper did (TF Object Detection API Faster R-CNN).
///
/// One sample's step: keyframe → ResNet-50 → RPN → RPN loss (anchor targets); proposals from the RPN's
/// own outputs (constants); ROI targets sampled from proposals + ground truth; clip → S3D-G →
/// `Mixed_4e` → head on the sampled ROIs → head loss; backward through the head, the S3D-G trunk
/// (when it learns), the RPN and the ResNet-50 trunk (when it learns).
public final class TrainableActionDetector {
  /// The configuration (classes, input size, parts' settings).
  public let configuration: DetectorConfiguration
  /// ResNet-50 conv1…layer3 (`keyframe.`).
  public let keyframe: TrainableResNet50
  /// S3D-G Conv2d_1a…Mixed_4e (`context.`).
  public let context: TrainableS3DG
  /// The RPN (`rpn.`).
  public let rpn: TrainableRPN
  /// The head (`head.` and the tail under `context.`).
  public let head: TrainableBoxHead
  /// Anchor matching, sampling and RPN loss settings.
  public var rpnTraining = RPNTrainingConfiguration()
  /// ROI sampling and head loss settings (scoring follows the configuration's head).
  public var headTraining: HeadTrainingConfiguration
  /// Whether training steps run their samples' trunks as one batch
  /// (``accumulateGradients(batch:orders:)``), so training-mode batch norms see statistics across
  /// samples: then checkpoints record running statistics for inference, not per-sample ones.
  public var batchNormAcrossSamples = false
  let keyframeNormalization: InputNormalization
  let contextNormalization: ContextInput

  /// Loads every tensor of a detector checkpoint (prefixed names), checking each and that none is left.
  public init(weights: inout WeightStore, configuration: DetectorConfiguration) throws {
    try configuration.validate()
    self.configuration = configuration
    let contextConfiguration = try configuration.contextConfiguration()
    keyframeNormalization = try configuration.keyframeInputNormalization()
    contextNormalization = try configuration.contextInput()
    let saved = weights.prefix
    defer { weights.prefix = saved }
    weights.prefix = "keyframe."
    keyframe = try TrainableResNet50(weights: &weights, final: .layer3, width: configuration.width)
    weights.prefix = "context."
    context = try TrainableS3DG(
      weights: &weights, configuration: contextConfiguration.stages(.conv2d_1a, .mixed_4e))
    weights.prefix = "rpn."
    rpn = try TrainableRPN(
      weights: &weights, configuration: configuration.rpn, inputChannels: configuration.keyframeChannels)
    weights.prefix = ""
    head = try TrainableBoxHead(
      weights: &weights, context: contextConfiguration, configuration: configuration.head,
      classes: configuration.classes.count)
    try weights.assertAllConsumed()
    headTraining = HeadTrainingConfiguration(scoring: configuration.head.scoring)
    setTrainable(.rpnAndHead)
    setBatchNormMode(.frozen)
  }

  /// Loads a detector checkpoint (configuration from its metadata, as ``DetectorCheckpoint``).
  public convenience init(checkpoint path: String) throws {
    var (configuration, _, weights) = try DetectorCheckpoint.open(path: path)
    try self.init(weights: &weights, configuration: configuration)
  }

  /// Every parameter, with checkpoint names (prefixes included).
  public var parameters: [Parameter] {
    keyframe.stages.parameters + context.stages.parameters + rpn.parameters + head.parameters
  }

  /// Every batch norm.
  public var batchNorms: [TrainableBatchNorm] {
    keyframe.stages.batchNorms + context.stages.batchNorms + head.batchNorms
  }

  /// Freezes everything but `parts`.
  public func setTrainable(_ parts: TrainableParts) {
    keyframe.stages.setFrozen(parts != .all)
    context.stages.setFrozen(parts != .all)
    for p in rpn.parameters { p.isFrozen = parts == .headOnly }
    for p in head.parameters { p.isFrozen = false }
  }

  /// Sets every batch norm's mode (``BatchNormMode/frozen`` for fine-tuning).
  public func setBatchNormMode(_ mode: BatchNormMode) {
    for bn in batchNorms { bn.mode = mode }
  }

  /// Zeroes every gradient.
  public func zeroGradients() {
    for p in parameters { p.zeroGradient() }
  }

  /// Forward, losses and backward of one sample; gradients add to the parameters' (call
  /// ``zeroGradients()`` once per batch). `order` drives the anchor and ROI sampling. A batch of one
  /// (``accumulateGradients(batch:orders:)``): training-mode batch norms use this sample's statistics.
  public func accumulateGradients(for sample: DetectorTrainingSample, order: inout SampleOrder)
    -> DetectorLosses
  {
    var orders = [order]
    defer { order = orders[0] }
    return accumulateGradients(batch: [sample], orders: &orders)[0]
  }

  /// Foreground ROIs (those with classes) and how many of them have their highest logit on one of
  /// their classes (softmax: column `1 + class`, background excluded from the arg-max; sigmoid:
  /// column `class`).
  static func foregroundAccuracy(logits: Tensor, classes: [[Int]], scoring: HeadConfiguration.Scoring)
    -> (count: Float, correct: Float)
  {
    let columns = logits.shape[1]
    let offset = scoring == .softmax ? 1 : 0
    let values = logits.scalars
    var (count, correct): (Float, Float) = (0, 0)
    for (row, list) in classes.enumerated() where !list.isEmpty {
      count += 1
      let scores = values[(row * columns + offset)..<((row + 1) * columns)]
      let best = scores.indices.max { scores[$0] < scores[$1] }.map { $0 - row * columns - offset }
      if let best, list.contains(best) { correct += 1 }
    }
    return (count, correct)
  }

  /// Every tensor a detector checkpoint holds (parameters and batch-norm running statistics),
  /// prefixed names, in a fixed order.
  public func checkpointTensors() -> [(name: String, value: Tensor)] {
    keyframe.stages.stateTensors() + context.stages.stateTensors()
      + rpn.parameters.map { ($0.name, $0.value) }
      + head.mixed4f.stages.stateTensors() + head.mixed5.stages.stateTensors()
      + (head.classifier.parameters + head.boxes.parameters).map { ($0.name, $0.value) }
  }

  /// The configuration checkpoints of the current state record: as ``configuration``, with
  /// ``DetectorConfiguration/trunkStatistics`` saying how the trunks' batch norms run now. Per-sample
  /// when every one of them is in ``BatchNormMode/training`` and a training forward is one sample (so
  /// its batch statistics are that sample's), running otherwise (frozen batch norms, or statistics
  /// across samples: ``batchNormAcrossSamples``); inference then computes what training did. Always
  /// ``DetectorConfiguration/trainedOnClips``: the trunks learn on single clips, so detection runs per clip.
  public var checkpointConfiguration: DetectorConfiguration {
    var c = configuration
    let trunkNorms = keyframe.stages.batchNorms + context.stages.batchNorms
    let perSample =
      !batchNormAcrossSamples && !trunkNorms.isEmpty && trunkNorms.allSatisfy { $0.mode == .training }
    c.trunkStatistics = perSample ? .perSample : .running
    c.trainedOnClips = true
    return c
  }

  /// Writes a checkpoint `detect` reads (temporary name, then rename); `metadata` joins the
  /// configuration (e.g. the provenance under ``DetectorCheckpoint/provenanceKey``).
  public func writeCheckpoint(to path: String, metadata: [String: String]) throws {
    var writer = SafeTensorsWriter()
    for (name, value) in checkpointTensors() { writer.add(name, shape: value.shape, values: value.scalars) }
    writer.metadata = metadata
    writer.metadata[DetectorCheckpoint.configurationKey] = try checkpointConfiguration.json()
    try writer.write(to: path)
  }

  /// The inference detector with the current values, its trunks normalised as they run now
  /// (``checkpointConfiguration``); `scoreThreshold` replaces the configuration's minimum class score
  /// (validation keeps more).
  public func inferenceDetector(scoreThreshold: Float? = nil) throws -> ActionDetector {
    var map: [String: (shape: [Int], values: [Float])] = [:]
    for (name, value) in checkpointTensors() { map[name] = (value.shape, value.scalars) }
    var weights = try WeightStore(tensors: map)
    var configuration = checkpointConfiguration
    if let scoreThreshold { configuration.postProcessing.scoreThreshold = scoreThreshold }
    return try ActionDetector(weights: &weights, configuration: configuration)
  }
}
