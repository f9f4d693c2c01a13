import Detection
import Tensor

/// Everything that decides what a run computes; stored in the run state so that a resumed run
/// continues with the same settings.
public struct TrainingOptions: Sendable, Equatable, Codable {
  /// Optimiser steps of the whole run.
  public var steps: Int
  /// Samples per step (gradients accumulated, then averaged).
  public var batchSize: Int
  /// Learning rate per step.
  public var schedule: LearningRateSchedule
  /// SGD momentum.
  public var momentum: Float
  /// Weight decay: L2 added to the gradient (SGD) or decoupled (AdamW).
  public var weightDecay: Float
  /// The optimiser (nil: SGD, as runs written before the choice existed).
  public var optimiser: OptimiserKind?
  /// Largest global gradient norm (nil: no clipping).
  public var clipNorm: Float?
  /// Run seed: example order, augmentation and anchor/ROI sampling derive from it.
  public var seed: UInt64
  /// Write a checkpoint every this many steps (0: only at the end).
  public var checkpointEvery: Int
  /// Run the validation every this many steps (0: never).
  public var evalEvery: Int
  /// Which parts learn.
  public var parts: TrainableParts
  /// Batch-norm layers use batch statistics (`true`) or stay frozen.
  public var batchNormTraining: Bool
  /// With ``batchNormTraining``: the head's batch norms (its S3D-G tail) stay frozen while the
  /// trunks' use batch statistics. One sample's ROIs all come from one frame, so batch statistics
  /// over them normalise away what the ROIs share, such as the action (nil: false).
  public var headBatchNormFrozen: Bool?
  /// With ``batchNormTraining``: each step's samples run through the trunks as one batch, so their
  /// batch norms normalise with statistics across the step's samples (on each rank, across its
  /// share), and checkpoints run the trunks with running statistics (nil: false, one sample per
  /// forward).
  public var batchNormAcrossSamples: Bool?
  /// Re-estimate every batch norm's running statistics on training samples every this many steps
  /// (PreciseBN; keeps frozen batch norms in step with the weights they follow; nil or 0: never).
  public var recalibrateEvery: Int?
  /// Training samples of each re-estimate (nil: 16).
  public var recalibrationSamples: Int?
  /// Jittered copies of each ground-truth box among the head's proposals
  /// (``HeadTrainingConfiguration/groundTruthJitter``; nil: none).
  public var groundTruthJitter: Int?
  /// Augmentation.
  public var augmentation: Augmentation
  /// Shuffle the examples every epoch.
  public var shuffle: Bool
  /// Train the RPN on anchors crossing the image border too (otherwise they are ignored, the
  /// default of ``RPNTrainingConfiguration``); needed on small inputs where most anchors cross it.
  public var keepBorderAnchors = false
  /// Precision of every GEMM of the forward and backward passes (and of validation); weights,
  /// gradients and optimiser state stay fp32 (nil: fp32). bf16 needs an AVX512_BF16 CPU.
  public var precision: ComputePrecision?

  /// Options with the given values.
  public init(
    steps: Int, batchSize: Int = 1, schedule: LearningRateSchedule, momentum: Float = 0.9,
    weightDecay: Float = 1e-4,
    clipNorm: Float? = 10, seed: UInt64 = 0, checkpointEvery: Int = 500, evalEvery: Int = 0,
    parts: TrainableParts = .rpnAndHead, batchNormTraining: Bool = false,
    augmentation: Augmentation = Augmentation(),
    shuffle: Bool = true
  ) {
    self.steps = steps
    self.batchSize = batchSize
    self.schedule = schedule
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.clipNorm = clipNorm
    self.seed = seed
    self.checkpointEvery = checkpointEvery
    self.evalEvery = evalEvery
    self.parts = parts
    self.batchNormTraining = batchNormTraining
    self.augmentation = augmentation
    self.shuffle = shuffle
  }
}
