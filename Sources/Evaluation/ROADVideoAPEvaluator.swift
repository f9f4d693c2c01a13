import Datasets

/// Video-AP of detected tubes as ROAD computes it (`online-tubes/eval/get_PR_curve.m` with
/// `compute_spatio_temporal_iou.m` and `xVOCap.m`, gurkirt/realtime-action-detection 9dd8e1b5, as
/// `I01onlineTubes` calls it for thresholds 0.2 and 0.5:0.05:0.95).
///
/// Video by video in the given order:
/// 1. The video's tubes (all labels) by a stable descending sort of their scores.
/// 2. Each tube is compared with the still-unmatched ground-truth tubes of its label in the video;
///    the first with the highest ``Tube/roadSpatioTemporalIoU(detection:)`` is matched when that IoU
///    is `> threshold` (strictly: a true positive, and the ground-truth tube is taken); otherwise
///    the tube is a false positive.
///
/// Then per label: the label's tubes in that order, stably sorted by descending score (float32);
/// precision `tp / (tp + fp)` and recall `tp / ground-truth tubes` in float64; AP = `xVOCap`, VOC
/// all-point (precision envelope, then the sum of recall steps × precision, in order). A label
/// without ground truth gets AP 0 (ROAD's NaN, set to 0). The mAP is the float64 mean over every
/// label. No tube NMS (ROAD has none).
public struct ROADVideoAPEvaluator: Sendable {
  /// Label names, in ground-truth order.
  public let labels: [String]
  /// Evaluated videos, in split order.
  public let videos: [String]
  /// Per video position, the detected tubes of known labels in ROAD's per-video order.
  let detected: [[Tube]]
  /// Per video position, the ground-truth tubes of known labels in file order.
  let truth: [[Tube]]

  /// Prepares an evaluation of `tubes` (detected tubes by video id; videos missing from the
  /// dictionary have none) on `videos` of `groundTruth`.
  ///
  /// - Throws: ``VideoAPError`` when a video is missing from the ground truth or one of its tubes
  ///   has a gap (ROAD's annotations are `sf`, `ef` and one box per frame).
  public init(groundTruth: GroundTruth, videos: [String], tubes: [String: [Tube]]) throws {
    labels = groundTruth.labels
    self.videos = videos
    let known = groundTruth.labels.indices
    var truth: [[Tube]] = []
    var detected: [[Tube]] = []
    for video in videos {
      guard let annotation = groundTruth.videos[video] else { throw VideoAPError.unknownVideo(video) }
      var mine: [Tube] = []
      for (index, gtTube) in annotation.tubes.enumerated() where known.contains(gtTube.label) {
        guard let tube = Tube(groundTruth: gtTube) else {
          throw VideoAPError.tubeWithGap(video: video, tube: index)
        }
        mine.append(tube)
      }
      truth.append(mine)
      let found = (tubes[video] ?? []).filter { known.contains($0.label) }
      detected.append(
        found.indices.sorted {
          found[$0].score > found[$1].score || (found[$0].score == found[$1].score && $0 < $1)
        }
        .map { found[$0] })
    }
    self.truth = truth
    self.detected = detected
  }

  /// ROAD's AP of every label at `threshold` (fractions, not percent), in label order.
  public func averagePrecisions(threshold: Double) -> [Double] {
    outcomes(threshold: threshold).map(\.ap)
  }

  /// Per label: the AP (a fraction), ground-truth tubes, detected tubes and true positives.
  func outcomes(threshold: Double) -> [(ap: Double, positives: Int, tubes: Int, tp: Int)] {
    var ranked = [[(score: Float, positive: Bool)]](repeating: [], count: labels.count)
    var positives = [Int](repeating: 0, count: labels.count)
    for (video, found) in detected.enumerated() {
      let gtTubes = truth[video]
      for tube in gtTubes { positives[tube.label] += 1 }
      var taken = [Bool](repeating: false, count: gtTubes.count)
      for tube in found {
        var best = -1
        var bestIoU = -Double.infinity
        for (g, gtTube) in gtTubes.enumerated() where !taken[g] && gtTube.label == tube.label {
          let iou = gtTube.roadSpatioTemporalIoU(detection: tube)
          if iou > bestIoU {
            best = g
            bestIoU = iou
          }
        }
        let positive = bestIoU > threshold
        if positive { taken[best] = true }
        ranked[tube.label].append((tube.score, positive))
      }
    }
    return labels.indices.map { label in
      let list = ranked[label]
      let order = list.indices.sorted {
        list[$0].score > list[$1].score || (list[$0].score == list[$1].score && $0 < $1)
      }
      var recall: [Double] = []
      var precision: [Double] = []
      var tp = 0
      for (i, j) in order.enumerated() {
        if list[j].positive { tp += 1 }
        recall.append(Double(tp) / Double(positives[label]))
        precision.append(Double(tp) / Double(i + 1))
      }
      let ap =
        positives[label] == 0
        ? 0 : AveragePrecision.vocAllPoint(recall: recall, precision: precision, pairwise: false)
      return (ap, positives[label], list.count, tp)
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
    var sum = 0.0
    for r in results { sum += r.ap }
    return VideoAPResult(
      threshold: threshold, mAP: results.isEmpty ? 0 : 100 * (sum / Double(results.count)), classes: classes)
  }

  /// Results at every threshold of `thresholds`, in that order.
  public func evaluate(thresholds: [Double]) -> VideoMAPReport {
    VideoMAPReport(results: thresholds.map { evaluate(threshold: $0) })
  }
}
