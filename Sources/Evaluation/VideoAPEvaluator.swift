import Datasets

/// Video-AP of detected tubes against ground-truth tubes, as ACT and MOC compute it
/// (`ACT.py:videoAP`, MOC-Detector 45c3fd0c, the same as ACT's `act-detector-scripts/ACT.py`).
///
/// Per label, over the evaluated videos in their order:
/// 1. Each video's tubes of the label go through ``TubeNMS`` at 0.3; the kept tubes, in keep order,
///    are appended to the label's list.
/// 2. The list is ranked by numpy ≤ 1.24's `np.argsort(-score)` (float32, unstable for ties).
/// 3. A tube is compared with the still-unmatched ground-truth tubes of its label in its video;
///    the first with the highest ``Tube/spatioTemporalIoU(with:)`` is matched when that IoU is
///    `>= threshold` (a true positive, and the ground-truth tube is removed); otherwise it is a
///    false positive.
/// 4. Precision and recall (tp / ground-truth tubes) are float32 points after the anchor (R 0, P 1);
///    AP is the trapezoid rule over that raw curve (`pr_to_ap`), times 100 in float32.
///
/// The mAP is the float32 mean over every label, including labels without ground truth (AP 0; the
/// reference divides by zero when such a label has tubes). ``VideoMAPReport/meanOverCOCOThresholds``
/// is `videpAP_050_095`: the float64 mean of the ten float32 mAPs at 0.5, 0.55, …, 0.95.
public struct VideoAPEvaluator: Sendable {
  /// Label names, in ground-truth order.
  public let labels: [String]
  /// Evaluated videos, in split order.
  public let videos: [String]
  /// Per label, the NMS-kept detected tubes as (video position, tube), in the reference's list order.
  let detected: [[(video: Int, tube: Tube)]]
  /// Per label and video position, the ground-truth tubes in file order.
  let truth: [[[Tube]]]

  /// Prepares an evaluation of `tubes` (detected tubes by video id; videos missing from the
  /// dictionary have none) on `videos` of `groundTruth`.
  ///
  /// - Throws: ``VideoAPError`` when a video is missing from the ground truth or one of its tubes
  ///   has a gap.
  public init(groundTruth: GroundTruth, videos: [String], tubes: [String: [Tube]]) throws {
    labels = groundTruth.labels
    self.videos = videos
    var truth = [[[Tube]]](
      repeating: [[Tube]](repeating: [], count: videos.count), count: groundTruth.labels.count)
    var detected = [[(video: Int, tube: Tube)]](repeating: [], count: groundTruth.labels.count)
    for (position, video) in videos.enumerated() {
      guard let annotation = groundTruth.videos[video] else { throw VideoAPError.unknownVideo(video) }
      for (index, gtTube) in annotation.tubes.enumerated() where truth.indices.contains(gtTube.label) {
        guard let tube = Tube(groundTruth: gtTube) else {
          throw VideoAPError.tubeWithGap(video: video, tube: index)
        }
        truth[gtTube.label][position].append(tube)
      }
      let mine = tubes[video] ?? []
      for label in detected.indices {
        let ofLabel = mine.filter { $0.label == label }
        for kept in TubeNMS.keep(ofLabel, overlap: 0.3) { detected[label].append((position, ofLabel[kept])) }
      }
    }
    self.truth = truth
    self.detected = detected
  }

  /// Per-label AP and the mAP at one spatio-temporal IoU threshold.
  public func evaluate(threshold: Double) -> VideoAPResult {
    var classes: [VideoAPResult.Class] = []
    for label in labels.indices {
      let list = detected[label]
      var remaining = truth[label]
      let positives = remaining.reduce(0) { $0 + $1.count }
      let order = NumpyLegacyArgsort.argsort(list.map { -$0.tube.score })
      var precision = [Float](repeating: 1, count: list.count + 1)
      var recall = [Float](repeating: 0, count: list.count + 1)
      var tp = 0
      var fp = 0
      for (i, j) in order.enumerated() {
        let (video, tube) = list[j]
        var best = -1
        var bestIoU = 0.0
        for (g, gtTube) in remaining[video].enumerated() {
          let iou = gtTube.spatioTemporalIoU(with: tube)
          if best < 0 || iou > bestIoU {
            best = g
            bestIoU = iou
          }
        }
        if best >= 0 && bestIoU >= threshold {
          remaining[video].remove(at: best)
          tp += 1
        } else {
          fp += 1
        }
        precision[i + 1] = Float(Double(tp) / Double(tp + fp))
        recall[i + 1] = positives > 0 ? Float(Double(tp) / Double(positives)) : 0
      }
      let ap = 100 * AveragePrecision.trapezoid(recall: recall, precision: precision)
      classes.append(
        .init(
          label: labels[label], ap: Double(ap), groundTruthTubes: positives, detectedTubes: list.count,
          truePositives: tp, falsePositives: fp))
    }
    let aps = classes.map { Float($0.ap) }
    let mAP = aps.isEmpty ? 0 : Double(PairwiseSum.sum(aps) / Float(aps.count))
    return VideoAPResult(threshold: threshold, mAP: mAP, classes: classes)
  }

  /// Results at every threshold of `thresholds`, in that order.
  public func evaluate(thresholds: [Double]) -> VideoMAPReport {
    VideoMAPReport(results: thresholds.map { evaluate(threshold: $0) })
  }
}

/// Why video-AP could not be set up.
public enum VideoAPError: Error, Equatable, CustomStringConvertible {
  /// An evaluated video is not in the ground truth.
  case unknownVideo(String)
  /// A ground-truth tube's frames are not consecutive (the reference's `iou3dt` fails on it).
  case tubeWithGap(video: String, tube: Int)

  /// One line naming the video.
  public var description: String {
    switch self {
    case .unknownVideo(let video): return "video '\(video)' is not in the ground truth"
    case .tubeWithGap(let video, let tube):
      return "\(video): ground-truth tube \(tube) skips frames; video-AP needs gap-free tubes"
    }
  }
}
