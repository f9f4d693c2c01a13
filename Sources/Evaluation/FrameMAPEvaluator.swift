import Datasets
import Dispatch

/// Computes frame-AP of a detection set on one split under any of the ``FrameAPProtocol``s.
///
/// The ground truth and detections are flattened once (struct-of-arrays, grouped by frame and by
/// label), so evaluating several protocols or thresholds costs one preparation.
///
/// ```swift
/// let evaluator = FrameMAPEvaluator(groundTruth: gt, videos: gt.testVideos[0], detections: dets)
/// let report = evaluator.evaluate(protocol: .act, ties: .stable, iouThreshold: 0.5)
/// print(report.mAP)  // 65.43
/// ```
public struct FrameMAPEvaluator: Sendable {
  /// Class names, in ground-truth order.
  public let labels: [String]
  /// The split's video ids, in split order.
  public let videos: [String]
  /// Warnings about degenerate inputs found while preparing (repeated in every report).
  public let warnings: [String]
  let groundTruth: FlatGroundTruth
  let detections: FlatDetections

  /// Prepares `detections` for evaluation against `groundTruth` on the split `videos`.
  ///
  /// Never fails: rows that cannot be evaluated (unknown label, video outside the split, NaN score)
  /// are ignored with a warning; see `eval/PROTOCOLS.md` for every degenerate case.
  public init(groundTruth: GroundTruth, videos: [String], detections: [FrameDetection]) {
    var warnings: [String] = []
    var seen = Set<String>()
    let uniqueVideos = videos.filter { seen.insert($0).inserted }
    if uniqueVideos.count != videos.count {
      warnings.append("the split lists \(videos.count - uniqueVideos.count) video(s) twice; counted once")
    }
    let flatGT = FlatGroundTruth(groundTruth: groundTruth, videos: uniqueVideos, warnings: &warnings)
    let flatDets = FlatDetections(
      detections: detections, labels: groundTruth.labels, videos: uniqueVideos, groundTruth: flatGT,
      warnings: &warnings)
    if flatDets.invertedCount > 0 {
      warnings.append(
        "\(flatDets.invertedCount) detection box(es) are inverted (x2 < x1 or y2 < y1): act and voc "
          + "use them as given, tfod drops them, yowo counts them as false positives")
    }
    if flatDets.zeroAreaCount > 0 {
      warnings.append(
        "\(flatDets.zeroAreaCount) detection box(es) have zero width or height: tfod drops them, "
          + "the other protocols use them as given")
    }
    self.labels = groundTruth.labels
    self.videos = uniqueVideos
    self.warnings = warnings
    self.groundTruth = flatGT
    self.detections = flatDets
  }

  /// Evaluates under `frameProtocol` with the tie rule `ties` and the IoU threshold `iouThreshold`
  /// (a detection matches a box when IoU ≥ the threshold; values outside `0...1` match nothing
  /// or everything as the formulas dictate).
  ///
  /// With `tieInterval` (the default) the report also carries ``FrameMAPReport/tieInterval``: the
  /// lowest and highest mAP that reordering equal scores can give (three evaluations instead of one).
  public func evaluate(
    protocol frameProtocol: FrameAPProtocol, ties: TieRule = .stable, iouThreshold: Double = 0.5,
    tieInterval: Bool = true
  ) -> FrameMAPReport {
    let outcomes = evaluateLabels(frameProtocol, ties, iouThreshold) { _ in nil }
    var extraWarnings: [String] = []
    for c in labels.indices where groundTruth.positives[c] == 0 {
      let n = detections.labelStart[c + 1] - detections.labelStart[c]
      guard n > 0 else { continue }
      extraWarnings.append(
        frameProtocol == .act
          ? "label \(labels[c]) has \(n) detection(s) but no ground truth: AP 0, kept in "
            + "the mean (the ACT script would divide by zero)"
          : "label \(labels[c]) has \(n) detection(s) but no ground truth: left out of the mean")
    }
    var report = assemble(frameProtocol, ties, iouThreshold, outcomes, extraWarnings)
    if tieInterval { applyTieInterval(to: &report, base: outcomes, frameProtocol, ties, iouThreshold) }
    return report
  }

  /// Every label's outcome, labels in parallel; `extreme(c)` optionally reorders label `c`'s ties.
  func evaluateLabels(
    _ frameProtocol: FrameAPProtocol, _ ties: TieRule, _ iouThreshold: Double,
    extreme: (Int) -> (flags: [Bool], truePositivesFirst: Bool)?
  ) -> [ClassOutcome] {
    let count = labels.count
    var outcomes = [ClassOutcome](repeating: ClassOutcome(), count: count)
    // Labels own disjoint ground-truth rows, so one flag array serves every label's thread.
    let taken = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, groundTruth.label.count))
    taken.initialize(repeating: false)
    defer { taken.deallocate() }
    let extremes = (0..<count).map(extreme)
    let fileRank = frameProtocol == .yowo ? YOWOFileOrder.ranks(of: groundTruth, videos: videos) : []
    outcomes.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let results = buffer
      nonisolated(unsafe) let flags = taken
      DispatchQueue.concurrentPerform(iterations: count) { c in
        results[c] = evaluateLabel(
          c, frameProtocol, ties, iouThreshold, extremes[c], fileRank: fileRank, taken: flags)
      }
    }
    return outcomes
  }

  private func evaluateLabel(
    _ c: Int, _ frameProtocol: FrameAPProtocol, _ ties: TieRule, _ iouThreshold: Double,
    _ extreme: (flags: [Bool], truePositivesFirst: Bool)?, fileRank: [Int32],
    taken: UnsafeMutableBufferPointer<Bool>
  ) -> ClassOutcome {
    let input = ClassInput(
      label: Int32(c), start: detections.labelStart[c],
      count: detections.labelStart[c + 1] - detections.labelStart[c], threshold: iouThreshold, ties: ties,
      tieExtreme: extreme)
    let hasGT = groundTruth.positives[c] > 0
    switch frameProtocol {
    case .act:
      return ACTProtocol.evaluate(input, detections: detections, groundTruth: groundTruth, taken: taken)
    case .voc where hasGT:
      return VOCProtocol.evaluate(input, detections: detections, groundTruth: groundTruth, taken: taken)
    case .tfod where hasGT:
      return TFODProtocol.evaluate(input, detections: detections, groundTruth: groundTruth, taken: taken)
    case .yowo where hasGT:
      return YOWOProtocol.evaluate(
        input, detections: detections, groundTruth: groundTruth, fileRank: fileRank, taken: taken)
    default:
      var skipped = ClassOutcome()
      skipped.value = .nan
      return skipped
    }
  }

  private func assemble(
    _ frameProtocol: FrameAPProtocol, _ ties: TieRule, _ threshold: Double, _ outcomes: [ClassOutcome],
    _ extraWarnings: [String]
  ) -> FrameMAPReport {
    let inMean = self.inMean(frameProtocol)
    var classes: [ClassAP] = []
    for (c, outcome) in outcomes.enumerated() {
      let percent = inMean[c] ? Self.percent(outcome.value, frameProtocol) : nil
      classes.append(
        ClassAP(
          label: labels[c], ap: percent, groundTruthBoxes: groundTruth.positives[c],
          detections: outcome.evaluated, skippedDetections: outcome.skipped,
          truePositives: outcome.truePositives, falsePositives: outcome.falsePositives,
          recall: outcome.recall, precision: outcome.precision))
    }
    let mAP = MeanAP.mean(frameProtocol, outcomes: outcomes, inMean: inMean)
    var warnings = self.warnings + extraWarnings
    let skipped = outcomes.reduce(0) { $0 + $1.skipped }
    if frameProtocol == .tfod && skipped > 0 {
      warnings.append("tfod dropped \(skipped) detection(s) with x1 >= x2 or y1 >= y2 (not counted)")
    }
    if frameProtocol == .yowo && skipped > 0 {
      warnings.append("yowo did not evaluate \(skipped) detection(s) on frames without ground truth")
    }
    return FrameMAPReport(
      frameProtocol: frameProtocol, ties: ties, tieStatement: ties.statement(for: frameProtocol),
      iouThreshold: threshold, videoCount: videos.count, classes: classes, mAP: mAP, warnings: warnings)
  }

  /// Which labels the protocol averages: `act` every label, the others those with ground truth.
  func inMean(_ frameProtocol: FrameAPProtocol) -> [Bool] {
    labels.indices.map { frameProtocol == .act || groundTruth.positives[$0] > 0 }
  }

  /// A ``ClassOutcome/value`` (native form) in percent.
  static func percent(_ value: Double, _ frameProtocol: FrameAPProtocol) -> Double {
    switch frameProtocol {
    case .act, .voc: return value
    case .tfod, .yowo: return 100 * value
    }
  }
}
