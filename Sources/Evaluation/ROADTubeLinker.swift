import Datasets
import Primitives

/// Links per-frame detections into tubes the way ROAD does (Singh et al., "Online real-time multiple
/// spatiotemporal action localisation and prediction", ICCV 2017; gurkirt/realtime-action-detection
/// 9dd8e1b5, `online-tubes/`: `actionPaths`, `incremental_linking`, `PARactionPathSmoother`,
/// `dpEM_max`, `convert2eval`, with `I01onlineTubes`' parameters).
///
/// ROAD reads, per frame, boxes that each carry a score for every label (SSD priors); here the rows
/// of one frame with the same box are one such box (``ROADPrior``). Boxes are clamped to
/// `0…frameRight × 0…frameBottom` and, as in ROAD, used plus one pixel. Per video and label:
/// 1. Per frame (`dofilter`): the boxes scoring above ``scoreThreshold``, the
///    ``candidatesBeforeNMS`` best, NMS at ``frameNMSOverlap`` (continuous IoU), the
///    ``boxesPerFrame`` best kept.
/// 2. Online linking (`incremental_linking`), frame by frame: each live path, in order, takes the
///    highest-scoring untaken box whose IoU (+1 pixel) with its last box is at least ``linkIoU``;
///    paths are then ordered by the mean of their ``maximumGap`` + 1 best scores, a path without a
///    box for ``maximumGap`` frames in a row ends, and untaken boxes start paths. Gaps are filled
///    with the box found after them; paths with at most ``maximumGap`` boxes are dropped; paths are
///    ordered by the mean of their 20 best scores.
/// 3. Temporal labelling (`dpEM_max`): a Viterbi over every label's score + 20 along the path, with
///    ``labelSwitchPenalty`` per change of label; each run of frames labelled with the path's own
///    label is a tube.
/// 4. Tube score (`convert2eval`): the mean of the run's ``scoredBoxes`` best scores; a tube is kept
///    when that is above 0 and its last frame minus its first exceeds ``minimumFrameSpan``.
///
/// Arithmetic is ROAD's on its float32 (MATLAB `single`) detections: boxes, scores, IoUs and means in
/// float32 (sums in order), the Viterbi in float64; sorts are MATLAB's (stable), maxima the first.
/// Tubes carry the clamped boxes (without ROAD's +1) and ROAD's float32 tube score.
public struct ROADTubeLinker: Sendable, Hashable {
  /// A box takes part in a label's linking when its score is above this (`scores > 0.001`).
  public var scoreThreshold: Float = 0.001
  /// Boxes per frame and label kept before the NMS (50).
  public var candidatesBeforeNMS = 50
  /// NMS overlap per frame and label: a box overlapping a kept one by more is dropped (0.45).
  public var frameNMSOverlap: Float = 0.45
  /// Boxes per frame and label kept after the NMS (10).
  public var boxesPerFrame = 10
  /// Minimum IoU between a path's last box and a box that extends it (`iouthresh = 0.1`).
  public var linkIoU: Float = 0.1
  /// `gap = 3`: a path ends after this many frames in a row without a box; it is kept only with
  /// more boxes than this; its order while linking is the mean of its `maximumGap + 1` best scores.
  public var maximumGap = 3
  /// Cost of a change of label in the temporal labelling (`alpha`; `I01onlineTubes` evaluates 3
  /// and 5 and prints 5).
  public var labelSwitchPenalty: Double = 5
  /// A tube's score is the mean of this many of its best scores (`topk = 40`).
  public var scoredBoxes = 40
  /// A tube is kept when its last frame minus its first frame exceeds this (`min_num_frames = 8`:
  /// at least 10 frames).
  public var minimumFrameSpan = 8
  /// Largest `x2` before ROAD adds 1 (it assumes 320 × 240 frames: 319).
  public var frameRight: Float = 319
  /// Largest `y2` before ROAD adds 1 (239).
  public var frameBottom: Float = 239

  /// The reference's parameters, with the `alpha` ROAD reports (5).
  public init() {}

  /// The tubes of one video: label by label in `labels` order, each label's paths in the reference's
  /// order and each path's tubes in time order. Detections whose label is not in `labels`, or whose
  /// frame is outside `1...frameCount`, are ignored.
  public func tubes(linking detections: [FrameDetection], labels: [String], frameCount: Int) -> [Tube] {
    let frames = ROADPrior.grouped(detections, labels: labels, frameCount: frameCount).map { priors in
      priors.map { ROADPrior(box: clamped($0.box), scores: $0.scores) }
    }
    return labels.indices.flatMap { label in
      paths(frames, label: label).flatMap { tubes(of: $0, in: frames, label: label) }
    }
  }

  /// `readDetections`' clamp: `x1`, `y1` at least 0, `x2` at most ``frameRight``, `y2` at most
  /// ``frameBottom`` (each coordinate alone, as ROAD does).
  func clamped(_ box: Box) -> Box {
    Box(
      x1: box.x1 < 0 ? 0 : box.x1, y1: box.y1 < 0 ? 0 : box.y1,
      x2: box.x2 > frameRight ? frameRight : box.x2, y2: box.y2 > frameBottom ? frameBottom : box.y2)
  }

  /// The box ROAD works with: the clamped box plus 1 (`readDetections`: `loc + 1`), in float32.
  static func shifted(_ box: Box) -> Box {
    Box(x1: box.x1 + 1, y1: box.y1 + 1, x2: box.x2 + 1, y2: box.y2 + 1)
  }

  /// The tubes of one path (steps 3 and 4).
  func tubes(of path: ROADPath, in frames: [[ROADPrior]], label: Int) -> [Tube] {
    let labelled = labels(of: path, in: frames)
    return Self.runs(of: label, in: labelled).compactMap { run in
      let score = Self.meanOfLargest(path.scores[run], count: scoredBoxes)
      guard score > 0, run.upperBound - run.lowerBound > minimumFrameSpan else { return nil }
      let boxes = run.map { frames[path.sources[$0].frame][path.sources[$0].prior].box }
      return Tube(label: label, score: score, firstFrame: path.start + run.lowerBound, boxes: boxes)
    }
  }

  /// MATLAB's `mean` of the `count` largest of `scores` (all when fewer), taken in descending order:
  /// a float32 sum in that order, then one division.
  static func meanOfLargest(_ scores: ArraySlice<Float>, count: Int) -> Float {
    mean(scores.sorted(by: >).prefix(count))
  }
}
