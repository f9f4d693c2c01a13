import ArgumentParser
import Detection
import Distributed
import Foundation
import Tensor
import Training

/// `train DATASET SPLIT --frames-root DIR --init detector.safetensors --run RUN/`: fine-tunes the
/// detector on the annotated frames of a split's training videos, writing checkpoints `detect` reads.
///
/// ```
/// $ train jhmdb split1 --frames-root Frames --init detector.safetensors --run runs/j1 --steps 20000
/// step [####------------------------] 2400/20000  …  loss 0.8123
/// ```
public struct Train: ParsableCommand {
  /// Name, abstract and discussion shown by `--help`.
  public static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Fine-tune the action detector on JHMDB-21, UCF-101-24 or any dataset in their layout.",
    discussion: """
      Data: every annotated frame of the split's training videos is a keyframe candidate (shuffled per \
      epoch with --seed); its clip is built as `detect` builds it. Frames: <frames-root>/<video id>/00001.png \
      (JHMDB Frames/, UCF-101-24 rgb-images/ with .jpg). Any dataset: --gt FILE (ACT-format pickle with \
      labels, train_videos, test_videos, gttubes, nframes, resolution); DATASET then only names it.

      Run folder: step-NNNNNNN.safetensors (latest checkpoint) + state.safetensors (optimiser state; \
      --resume RUN continues exactly), final.safetensors, best.safetensors (with --eval-every), log.csv, loss.png. \
      Ctrl-C (or --time-limit) ends the run after the current step with a checkpoint of it.

      Many machines: `mpirun -np N train …` trains data-parallel. --batch-size is the global batch (rank r \
      builds samples r, r+N, … of each); gradients are summed in one MPI all-reduce per step, so the update \
      is the single-process one. Rank 0 writes the run folder and prints; --threads is per rank.
      """)

  /// Dataset name.
  @Argument(help: "jhmdb, ucf24, or a name for the dataset of --gt.")
  public var dataset: String = "jhmdb"
  /// Split name.
  @Argument(help: "split1, split2 or split3 (JHMDB); split1 (UCF-101-24).")
  public var split: String = "split1"

  /// Frames root.
  @Option(help: ArgumentHelp("Root of the frames: <root>/<video id>/00001.png …", valueName: "dir"))
  public var framesRoot: String?
  /// Ground-truth pickle.
  @Option(help: ArgumentHelp("ACT-format ground-truth pickle instead of the shipped one.", valueName: "file"))
  public var gt: String?
  /// Annotations root.
  @Option(help: ArgumentHelp("Folder holding jhmdb/ and ucf24/ annotations.", valueName: "dir"))
  public var annotations = "annotations"

  /// Starting checkpoint.
  @Option(
    name: .customLong("init"), help: ArgumentHelp("Detector checkpoint to start from.", valueName: "file"))
  public var initial: String?
  /// From-scratch detector instead of --init.
  @Option(
    help: ArgumentHelp(
      "Start from seeded untrained weights instead of --init (He-uniform trunks, small detection layers, batch "
        + "norms calibrated on --calibration-samples keyframes): input HxW, clip length, width divisor, RPN "
        + "channels, proposals; classes are the dataset's labels.",
      valueName: "HxW,clip,width,rpn,proposals"))
  public var scratch: String?
  /// The temporal ablation.
  @Flag(
    help: """
      With --scratch: the context trunk sees the keyframe repeated instead of the clip (no motion; the \
      ablation of the paper's temporal claim). The checkpoint records it, so detect and eval run the same way.
      """)
  public var staticContext = false
  /// The context trunk's stream.
  @Option(
    help: """
      Context stream: rgb (default for a new run) or flow (the S3D-G context trunk reads the stored \
      optical flow of --flow-root; an RGB --init checkpoint has its context stem inflated to flow). \
      Default with --init or --resume: the checkpoint's.
      """)
  public var stream: String?
  /// Stored flow of a flow stream.
  @Option(
    help: ArgumentHelp(
      "Root of the stored flow (--stream flow): <root>/<video id>/x_00001.jpg, y_00001.jpg … as `flow` writes.",
      valueName: "dir"))
  public var flowRoot: String?
  /// Calibration samples of a from-scratch run.
  @Option(
    help: "With --scratch: training samples whose statistics set the batch norms before step 1 (0: identity)."
  )
  public var calibrationSamples = Defaults.calibrationSamples
  /// Validation context mode.
  @Option(
    help: """
      Kept for old commands: validation runs the context per clip, as training built it, since every \
      checkpoint train writes is trained on clips (shared or perClip give the same).
      """)
  public var valContext = "shared"
  /// Run folder to resume.
  @Option(help: ArgumentHelp("Resume the run in this folder (its settings are used).", valueName: "dir"))
  public var resume: String?
  /// Run folder of a new run.
  @Option(
    name: .customLong("run"),
    help: ArgumentHelp("Run folder of a new run (checkpoints, log, plots).", valueName: "dir"))
  public var runDirectory: String?

  /// Steps.
  @Option(
    help: """
      Optimiser steps (default 1000). With --resume: the run's new last step (its schedule is stretched \
      or shrunk to it; the steps already taken stay as they were).
      """)
  public var steps: Int?
  /// The step count of a new run.
  var stepCount: Int { steps ?? 1000 }
  /// Simulated kill, for tests of --resume.
  @Option(help: .hidden) public var stopAfter: Int?
  /// Wall-time budget of this invocation.
  @Option(
    help: ArgumentHelp(
      """
      Stop after the step during which this much time has passed (90s, 45m, 2h, 1h30m), writing its \
      checkpoint; --resume RUN continues exactly. Ctrl-C, SIGTERM and SIGUSR1 stop the same way (under \
      mpirun: kill -USR1 <mpirun's pid>).
      """, valueName: "duration"))
  public var timeLimit: String?
  /// Batch.
  @Option(help: "Samples per step (gradients accumulated).") public var batchSize = Defaults.batchSize
  /// Learning rate.
  @Option(help: "Peak learning rate.") public var lr = Defaults.lr
  /// Warm-up.
  @Option(help: "Linear warm-up steps.") public var warmup = Defaults.warmup
  /// Schedule.
  @Option(help: "After warm-up: step or cosine.") public var schedule = Defaults.schedule
  /// Milestones.
  @Option(
    help: ArgumentHelp(
      "Steps at which the rate is multiplied by --lr-gamma (step schedule).", valueName: "n,n"))
  public var lrSteps: String?
  /// Gamma.
  @Option(help: "Factor at each --lr-steps milestone.") public var lrGamma = Defaults.lrGamma
  /// Optimiser.
  @Option(
    name: [.customLong("optimiser"), .customLong("optimizer")],
    help: """
      sgd (momentum, L2 weight decay; fine-tuning) or adamw (decoupled weight decay; learns a \
      from-scratch detector's actions far sooner: use --lr about 0.001 and --weight-decay about 0.01).
      """)
  public var optimiser = Defaults.optimiser
  /// Momentum.
  @Option(help: "SGD momentum.") public var momentum = Defaults.momentum
  /// Weight decay.
  @Option(help: "L2 weight decay.") public var weightDecay = Defaults.weightDecay
  /// Clip norm.
  @Option(help: "Clip the global gradient norm to this (0: no clipping).") public var clipNorm = Defaults
    .clipNorm
  /// Parts.
  @Option(name: .customLong("train"), help: "What learns: rpn-head (with the S3D-G tail), head, or all.")
  public var parts = Defaults.parts
  /// BN mode.
  @Option(
    help: """
      Batch norm: frozen (fine-tuning), training (batch statistics), trunks (batch statistics in the \
      trunks, the head's frozen: from scratch, a head normalised over one frame's ROIs cannot learn actions), \
      or batch (as trunks, with each step's --batch-size samples run through the trunks as one batch, so the \
      statistics are across samples; needs --batch-size 2 or more). With training or trunks, checkpoints run \
      the trunks with each sample's own statistics, as trained; with batch, with the running statistics. \
      Trained one sample per step with its own statistics, a deep S3D-G never learnt slow motion such as \
      sitting down; batches with statistics across them did (eval/DEFAULT_MODEL.md).
      """)
  public var bn = Defaults.bn
  /// Ground-truth jitter.
  @Option(
    name: .customLong("gt-jitter"),
    help: """
      Jittered copies (edges moved up to 10 %) of each ground-truth box added to the head's proposals \
      (0: none): foreground ROIs for the head while a young RPN proposes few.
      """)
  public var groundTruthJitter = Defaults.groundTruthJitter
  /// PreciseBN interval.
  @Option(
    help: """
      Re-estimate the batch norms' running statistics on --calibration-samples training samples every N \
      steps (0: never); keeps frozen batch norms of a from-scratch run in step with the weights.
      """)
  public var recalibrateEvery = Defaults.recalibrateEvery
  /// Seed.
  @Option(help: "Seed of the example order, augmentation and anchor/ROI sampling.") public var seed = Defaults
    .seed
  /// Flip.
  @Flag(help: "No horizontal flips.") public var noFlip = false
  /// Time-reversal partners.
  @Option(
    name: .customLong("time-reverse"),
    help: ArgumentHelp(
      "Classes that are each other's reverse in time (sit_down:stand_up) or their own (clap): half of "
        + "their samples get the clip played backwards and the partner's label (repeatable; RGB stream).",
      valueName: "class:class"))
  public var timeReverse: [String] = []
  /// Scale jitter.
  @Option(help: "Scale jitter ±fraction (0: off).") public var scaleJitter = Defaults.scaleJitter
  /// Colour jitter.
  @Option(help: "Brightness/contrast/saturation jitter ±fraction (0: off).") public var colourJitter =
    Defaults.colourJitter
  /// Border anchors.
  @Flag(help: "Train the RPN on anchors crossing the image border too (always on with --scratch).")
  public var keepBorderAnchors = false
  /// Checkpoint interval.
  @Option(help: "Write a checkpoint every N steps (0: only at the end).") public var checkpointEvery =
    Defaults.checkpointEvery
  /// Evaluation interval.
  @Option(help: "Frame-mAP on the test list every N steps, keeping best.safetensors (0: never).")
  public var evalEvery = Defaults.evalEvery
  /// Validation score threshold.
  @Option(
    help: """
      Minimum class score of the detections validation ranks (frame-mAP ranks every detection; the \
      checkpoint's own threshold, 0.05, hides a young model's low scores).
      """)
  public var valScoreThreshold: Float = 0.001
  /// Validation cap.
  @Option(help: "Validate on the first N test videos only (0: all).") public var valVideos = 0
  /// Protocol.
  @OptionGroup public var scoring: ProtocolOptions
  /// GEMM precision of the run.
  @Option(
    help: ArgumentHelp(
      """
      GEMM precision of the forward and backward passes (and validation): 'bf16' (AVX512_BF16 CPUs) rounds       the GEMMs' operands to bfloat16 and accumulates in fp32; weights, gradients and optimiser state       stay fp32 (README, "Training in bf16").
      """, valueName: "fp32|bf16"))
  public var precision = ComputePrecision.fp32
  /// Threads.
  @Option(help: "Compute threads.") public var threads = 2
  /// Prefetch workers.
  @Option(help: "Background threads decoding and resizing samples.") public var loaders = 1

  /// Sample preview folder.
  @Option(
    help: ArgumentHelp(
      "Write the first 16 training samples (keyframe at the input size, augmented, with its boxes) as PNGs "
        + "to this folder and stop: a check of the data before a long run.", valueName: "dir"))
  public var preview: String?

  /// Creates the command with default options.
  public init() {}

  /// Checks the arguments that need no file access.
  public func validate() throws {
    guard [initial != nil, scratch != nil, resume != nil].count(where: { $0 }) == 1 else {
      throw ValidationError(
        "give one of --init FILE or --scratch SPEC (a new run, with --run DIR), or --resume RUN")
    }
    if resume == nil, runDirectory == nil, preview == nil {
      throw ValidationError("a new run needs --run DIR (the run folder)")
    }
    guard valContext == "shared" || valContext == "perClip" else {
      throw ValidationError("--val-context \(valContext): expected shared or perClip")
    }
    if let scratch { _ = try scratchConfiguration(scratch, classes: ["x"]) }
    if staticContext, scratch == nil {
      throw ValidationError("--static-context is a property of a new model: give it with --scratch")
    }
    guard framesRoot != nil else { throw ValidationError("--frames-root DIR is required") }
    if let stream, ContextStream(rawValue: stream) == nil {
      throw ValidationError("--stream \(stream): expected rgb or flow")
    }
    if stream == "flow", evalEvery > 0 {
      throw ValidationError(
        "--eval-every with --stream flow: validating a flow stream alone is not supported yet; use --eval-every 0"
      )
    }
    guard stepCount >= 1, batchSize >= 1, threads >= 1, loaders >= 1, warmup >= 0, checkpointEvery >= 0,
      evalEvery >= 0, valVideos >= 0
    else {
      throw ValidationError("counts must be positive (--steps, --batch-size, --threads, --loaders ≥ 1)")
    }
    guard lr.isFinite, lr > 0, clipNorm >= 0, scaleJitter >= 0, scaleJitter < 1, colourJitter >= 0,
      colourJitter < 1
    else { throw ValidationError("--lr must be > 0, --clip-norm ≥ 0, jitters in 0..<1") }
    if let timeLimit, TrainTimeLimit.seconds(timeLimit) == nil {
      throw ValidationError("--time-limit \(timeLimit): expected a duration such as 90s, 45m, 2h or 1h30m")
    }
    _ = try trainOptions()
    if resume != nil { try checkResumeKeepsSettings() }
  }

  /// With --resume the run's own settings apply: any other setting given is refused, by name.
  func checkResumeKeepsSettings() throws {
    let d = Defaults.self
    let changed: [(String, Bool)] = [
      ("--batch-size", batchSize != d.batchSize), ("--lr", lr != d.lr), ("--warmup", warmup != d.warmup),
      ("--schedule", schedule != d.schedule), ("--lr-steps", lrSteps != nil),
      ("--lr-gamma", lrGamma != d.lrGamma), ("--momentum", momentum != d.momentum),
      ("--weight-decay", weightDecay != d.weightDecay), ("--optimiser", optimiser != d.optimiser),
      ("--clip-norm", clipNorm != d.clipNorm),
      ("--train", parts != d.parts), ("--bn", bn != d.bn), ("--seed", seed != d.seed),
      ("--no-flip", noFlip), ("--scale-jitter", scaleJitter != d.scaleJitter),
      ("--colour-jitter", colourJitter != d.colourJitter),
      ("--keep-border-anchors", keepBorderAnchors),
      ("--checkpoint-every", checkpointEvery != d.checkpointEvery),
      ("--eval-every", evalEvery != d.evalEvery),
      ("--calibration-samples", calibrationSamples != d.calibrationSamples),
      ("--recalibrate-every", recalibrateEvery != d.recalibrateEvery),
      ("--gt-jitter", groundTruthJitter != d.groundTruthJitter),
      ("--static-context", staticContext), ("--time-reverse", !timeReverse.isEmpty),
      ("--precision", precision != .fp32),
    ]
    let given = changed.filter(\.1).map(\.0)
    guard given.isEmpty else {
      throw ValidationError(
        "\(given.joined(separator: ", ")): a resumed run keeps the settings it was started with "
          + "(\(resume ?? "")/state.safetensors); drop \(given.count == 1 ? "it" : "them") "
          + "(--steps may change, to lengthen or shorten the run)")
    }
  }

  /// Loads, trains and reports; under `mpirun`, as one rank of a data-parallel run (a rank that
  /// fails ends the whole job with one line naming it).
  public func run() throws {
    let group = try ProcessGroup.joinIfLaunched()
    do {
      let setup = try TrainSetup(command: self)
      if let preview {
        try setup.writePreview(to: preview)
        return
      }
      try setup.train(group: group)
    } catch {
      guard let group, group.size > 1 else { throw error }
      group.abort("train", failedWith: error)
    }
  }
}
