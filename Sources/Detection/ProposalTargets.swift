import Primitives

/// A ground-truth box with its action classes (0-based, background excluded).
public struct LabelledBox: Hashable, Sendable {
  /// The box in network-input pixels.
  public var box: Box
  /// Its classes, increasing; one for single-label datasets (JHMDB, UCF-101-24), any number for
  /// multi-label ones. The first is the one whose deltas are regressed.
  public var classes: [Int]

  /// A box with its classes.
  public init(box: Box, classes: [Int]) {
    precondition(!classes.isEmpty, "LabelledBox: a ground-truth box needs at least one class")
    self.box = box
    self.classes = classes.sorted()
  }

  /// A box with one class.
  public init(box: Box, classIndex: Int) { self.init(box: box, classes: [classIndex]) }
}

/// The second stage's training targets for one image: the sampled ROIs the head must run on, and
/// each one's classes and regression target (see ``HeadTrainingConfiguration``).
///
/// Compute them *before* the head's forward pass, run the head on ``rois``, then call
/// ``DetectionLoss/head(classLogits:boxDeltas:targets:configuration:)``.
public struct ProposalTargets: Sendable {
  /// Sampled ROIs, in increasing order of their index among the candidates (proposals, then ground
  /// truth when appended), torchvision's order.
  public var rois: [Box]
  /// Index of each ROI among the candidates.
  public var candidateIndices: [Int]
  /// Matched ground-truth box of each ROI, `nil` for background.
  public var matchedGroundTruth: [Int?]
  /// Classes of each ROI (those of its ground-truth box; empty for background).
  public var classes: [[Int]]
  /// Deltas `(dx, dy, dw, dh)` from each ROI to its ground-truth box; zero for background.
  public var regressionTargets: [SIMD4<Float>]

  /// Matches `proposals` (plus the ground-truth boxes, when configured) to `groundTruth`, samples
  /// the ROIs with `order`, and encodes the foreground ROIs' targets.
  public init(
    proposals: [Box], groundTruth: [LabelledBox],
    configuration: HeadTrainingConfiguration = HeadTrainingConfiguration(), order: inout SampleOrder
  ) {
    let truth = groundTruth.map(\.box)
    let candidates = configuration.appendGroundTruth ? proposals + truth : proposals
    let matches = configuration.matcher.match(candidates, to: truth)
    var positive: [Int] = []
    var negative: [Int] = []
    for (index, match) in matches.enumerated() {
      switch match {
      case .foreground: positive.append(index)
      case .background: negative.append(index)
      case .ignored: break
      }
    }
    let (p, n) = configuration.sampler.sample(positives: positive, negatives: negative, order: &order)
    candidateIndices = (p + n).sorted()
    rois = candidateIndices.map { candidates[$0] }
    matchedGroundTruth = candidateIndices.map { matches[$0].groundTruthIndex }
    classes = matchedGroundTruth.map { $0.map { groundTruth[$0].classes } ?? [] }
    regressionTargets = zip(rois, matchedGroundTruth).map { roi, g in
      g.map { configuration.coder.encode(truth[$0], anchor: roi) } ?? .zero
    }
  }

  /// Softmax labels: `1 + ` the first class of a foreground ROI, 0 for background.
  public var softmaxLabels: [Int] { classes.map { $0.first.map { $0 + 1 } ?? 0 } }

  /// Number of foreground ROIs.
  public var foregroundCount: Int { matchedGroundTruth.count { $0 != nil } }
}
