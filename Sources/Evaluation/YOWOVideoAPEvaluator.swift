import Datasets

/// Video-AP of detected tubes as YOWO computes it (`core/eval_results.py:evaluate_videoAP` and
/// `video_ap_one_class` with `bTemporal=True`, as `video_mAP.py` calls them; wei-tim/YOWO 9d202c16).
///
/// YOWO numbers its videos twice: the detections by the sorted names of their frame images
/// (`<video>/<frame:05d>.png`, so by `video + "/"`), the ground truth by the sorted video names, and
/// it compares the detections of the k-th video of the first order with the ground truth of the
/// k-th of the second. The two orders agree unless one video's name is another's prefix followed by
/// a character sorting before `/` (`x` and `x-b`); on JHMDB and UCF-101-24 they always agree.
///
/// Per label:
/// 1. The tubes of the label, video by video in image-name order and in the order given (for
///    ``YOWOTubeLinker`` tubes, NMS keep order), ranked by numpy ≤ 1.24's `np.argsort(-score)`
///    (float32).
/// 2. A tube is compared with the still-unmatched ground-truth tubes of its label in its paired
///    video by ``Tube/yowoSpatioTemporalIoU(detection:)``; the first with the highest IoU is matched
///    when that IoU is `>= threshold` (true positive, removed), otherwise the tube is a false positive.
/// 3. Precision `tp / (tp + fp)` and recall `tp / (tp + fn + 0.00001)` in float64, stored as float32
///    after the point (P 1, R 0); AP is `voc_ap`: VOC all-point (precision envelope, then the sum of
///    recall steps × precision, numpy's pairwise float64 sum). The `+ 0.00001` keeps recall below 1,
///    so even perfect tubes give slightly less than 100 (99.9995 with two ground-truth tubes).
///
/// YOWO returns one AP per label, 0 for a label without ground truth; the mAP here is their float64
/// `np.mean` over every label. Reports give both in percent.
public struct YOWOVideoAPEvaluator: Sendable {
  /// Label names, in ground-truth order.
  public let labels: [String]
  /// Evaluated videos, in YOWO's detection order (sorted by `video + "/"`).
  public let videos: [String]
  /// Per label, the detected tubes as (YOWO video number - 1, tube), in YOWO's list order.
  let detected: [[(video: Int, tube: Tube)]]
  /// Per label, the ground-truth tubes as (YOWO video number - 1, tube), in YOWO's list order.
  let truth: [[(video: Int, tube: Tube)]]

  /// Prepares an evaluation of `tubes` (detected tubes by video id; videos missing from the
  /// dictionary have none) on `videos` of `groundTruth` (any order; duplicates are ignored).
  ///
  /// - Throws: ``VideoAPError`` when a video is missing from the ground truth or one of its tubes
  ///   has a gap (YOWO's `iou3dt` fails on such a tube).
  public init(groundTruth: GroundTruth, videos: [String], tubes: [String: [Tube]]) throws {
    labels = groundTruth.labels
    let unique = Array(Set(videos))
    let byImageName = unique.sorted { ($0 + "/").utf8.lexicographicallyPrecedes(($1 + "/").utf8) }
    let byName = unique.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    self.videos = byImageName
    var truth = [[(video: Int, tube: Tube)]](repeating: [], count: labels.count)
    var detected = [[(video: Int, tube: Tube)]](repeating: [], count: labels.count)
    for (number, video) in byName.enumerated() {
      guard let annotation = groundTruth.videos[video] else { throw VideoAPError.unknownVideo(video) }
      for (index, gtTube) in annotation.tubes.enumerated() where truth.indices.contains(gtTube.label) {
        guard let tube = Tube(groundTruth: gtTube) else {
          throw VideoAPError.tubeWithGap(video: video, tube: index)
        }
        truth[gtTube.label].append((number, tube))
      }
    }
    for (number, video) in byImageName.enumerated() {
      for tube in tubes[video] ?? [] where detected.indices.contains(tube.label) {
        detected[tube.label].append((number, tube))
      }
    }
    self.truth = truth
    self.detected = detected
  }

  /// The videos of `videos` whose detections YOWO compares with another video's ground truth, as
  /// (detections of, ground truth of); empty on JHMDB and UCF-101-24.
  public static func crossedVideos(in videos: [String]) -> [(detections: String, groundTruth: String)] {
    let unique = Array(Set(videos))
    let byImageName = unique.sorted { ($0 + "/").utf8.lexicographicallyPrecedes(($1 + "/").utf8) }
    let byName = unique.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    return zip(byImageName, byName).filter { $0.0 != $0.1 }.map { ($0.0, $0.1) }
  }

  /// YOWO's AP of every label at `threshold`: the list `evaluate_videoAP` returns (fractions, not
  /// percent), bit for bit.
  public func averagePrecisions(threshold: Double) -> [Double] {
    outcomes(threshold: threshold).map(\.ap)
  }

  /// Per label: the AP (a fraction), ground-truth tubes, detected tubes and true positives.
  func outcomes(threshold: Double) -> [(ap: Double, positives: Int, tubes: Int, tp: Int)] {
    labels.indices.map { label in
      let list = detected[label]
      var remaining = truth[label]
      let positives = remaining.count
      let withTruth = Set(remaining.map(\.video))
      let order = NumpyLegacyArgsort.argsort(list.map { -$0.tube.score })
      var precision = [Double](repeating: 1, count: list.count + 1)
      var recall = [Double](repeating: 0, count: list.count + 1)
      var tp = 0
      var fp = 0
      var fn = positives
      for (i, j) in order.enumerated() {
        let (video, tube) = list[j]
        var positive = false
        if withTruth.contains(video) {
          let candidates = remaining.indices.filter { remaining[$0].video == video }
          if !candidates.isEmpty {
            let ious = candidates.map { remaining[$0].tube.yowoSpatioTemporalIoU(detection: tube) }
            let best = Numpy.argmax(count: ious.count) { ious[$0] }
            if ious[best] >= threshold {
              positive = true
              remaining.remove(at: candidates[best])
            }
          }
        }
        if positive {
          tp += 1
          fn -= 1
        } else {
          fp += 1
        }
        precision[i + 1] = Double(Float(Double(tp) / Double(tp + fp)))
        recall[i + 1] = Double(Float(Double(tp) / (Double(tp + fn) + 0.00001)))
      }
      let ap = AveragePrecision.vocAllPoint(recall: recall, precision: precision, pairwise: true)
      return (ap, positives, list.count, tp)
    }
  }

  /// Per-label AP and the mAP at one spatio-temporal IoU threshold, in percent.
  public func evaluate(threshold: Double) -> VideoAPResult {
    let results = outcomes(threshold: threshold)
    let classes = zip(labels, results).map { label, r in
      VideoAPResult.Class(
        label: label, ap: 100 * r.ap, groundTruthTubes: r.positives, detectedTubes: r.tubes,
        truePositives: r.tp, falsePositives: r.tubes - r.tp)
    }
    let mean = results.isEmpty ? 0 : PairwiseSum.sum(results.map(\.ap)) / Double(results.count)
    return VideoAPResult(threshold: threshold, mAP: 100 * mean, classes: classes)
  }

  /// Results at every threshold of `thresholds`, in that order.
  public func evaluate(thresholds: [Double]) -> VideoMAPReport {
    VideoMAPReport(results: thresholds.map { evaluate(threshold: $0) })
  }
}
