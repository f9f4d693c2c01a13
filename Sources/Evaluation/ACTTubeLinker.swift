import Datasets
import Primitives

/// Links per-frame detections into tubes the way ACT and MOC build tubes from tubelets
/// (`ACT_utils/ACT_build.py:BuildTubes`, MOC-Detector 45c3fd0c; ACT's `ACT.py:BuildTubes`), with
/// tubelets of length K = 1: each per-frame detection is a 1-frame tubelet.
///
/// Per video and label, frame by frame (1…frameCount):
/// 1. The frame's detections of the label go through ACT's soft NMS (`nms_tubelets`): a box whose
///    IoU with a higher-ranked kept box exceeds ``frameNMSOverlap`` gets its score multiplied by
///    `1 - IoU`; then the `framesKept` best by the new scores remain.
/// 2. The open tubes are visited by descending mean score. Each takes, among the remaining boxes
///    whose IoU with its last box is at least ``linkIoU``, the one with the highest score; a tube
///    that finds none is finished (with K = 1 a tube never skips a frame).
/// 3. Boxes nobody took start new tubes.
///
/// A tube's score is the mean of its boxes' (re-weighted) scores. Tubes scoring below
/// ``minimumScore`` or shorter than ``minimumLength`` frames are dropped. IoUs are
/// ``Box/actIoU(with:)``; orders are numpy ≤ 1.24's `argsort`; arithmetic is float32, as in the
/// reference.
public struct ACTTubeLinker: Sendable, Hashable {
  /// Soft-NMS overlap on each frame (`nms_tubelets(…, 0.6)`).
  public var frameNMSOverlap: Float = 0.6
  /// Boxes kept per frame and label after the soft NMS (`top_k=10`).
  public var framesKept = 10
  /// Minimum IoU between a tube's last box and a box that extends it (0.5).
  public var linkIoU: Float = 0.5
  /// Tubes with a lower mean score are dropped (0.005).
  public var minimumScore: Double = 0.005
  /// Tubes with fewer frames are dropped (15).
  public var minimumLength = 15

  /// The reference's parameters.
  public init() {}

  /// The tubes of one video: label by label in `labels` order, each label's tubes in the order
  /// the reference outputs them. Detections whose label is not in `labels`, or whose frame is
  /// outside `1...frameCount`, are ignored.
  public func tubes(linking detections: [FrameDetection], labels: [String], frameCount: Int) -> [Tube] {
    let perLabel = LinkCandidate.grouped(detections, labels: labels, frameCount: frameCount)
    return perLabel.indices.flatMap { link(perLabel[$0], label: $0) }
  }

  /// A box and its score on one frame.
  typealias Candidate = LinkCandidate

  /// One label's tubes from its per-frame candidates (`frames[f - 1]` is frame `f`).
  func link(_ frames: [[Candidate]], label: Int) -> [Tube] {
    typealias Open = (first: Int, boxes: [Candidate])
    var finished: [Open] = []
    var current: [Open] = []
    for (offset, raw) in frames.enumerated() {
      let frame = offset + 1
      var candidates = softNMS(raw)
      if frame > 1 {
        let order = NumpyLegacyArgsort.argsort(current.map { -Self.meanScore($0.boxes) })
        current = order.map { current[$0] }
        var ended: [Int] = []
        for t in current.indices {
          let last = current[t].boxes[current[t].boxes.count - 1].box
          var best = -1
          // valid[np.argmax(scores[valid])]: the first highest score among the linkable boxes.
          for (i, c) in candidates.enumerated() where c.box.actIoU(with: last) >= linkIoU {
            if best < 0 || c.score > candidates[best].score { best = i }
          }
          if best >= 0 {
            current[t].boxes.append(candidates.remove(at: best))
          } else {
            ended.append(t)
          }
        }
        for t in ended.reversed() { finished.append(current.remove(at: t)) }
      }
      current += candidates.map { (frame, [$0]) }
    }
    return (finished + current).compactMap { open in
      let score = Self.meanScore(open.boxes)
      guard !(Double(score) < minimumScore), open.boxes.count >= minimumLength else { return nil }
      return Tube(label: label, score: score, firstFrame: open.first, boxes: open.boxes.map(\.box))
    }
  }

  /// `nms_tubelets(boxes, frameNMSOverlap, top_k: framesKept)` for 1-frame tubelets.
  func softNMS(_ candidates: [Candidate]) -> [Candidate] {
    let n = candidates.count
    guard n > 0 else { return [] }
    let areas = candidates.map { c -> Float in (c.box.x2 - c.box.x1 + 1) * (c.box.y2 - c.box.y1 + 1) }
    var weight = [Float](repeating: 1, count: n)
    var order = Array(NumpyLegacyArgsort.argsort(candidates.map(\.score)).reversed())
    while let i = order.first {
      let a = candidates[i].box
      var next: [Int] = []
      for j in order.dropFirst() {
        let b = candidates[j].box
        let w = Swift.max(0, Swift.min(a.x2, b.x2) - Swift.max(a.x1, b.x1) + 1)
        let h = Swift.max(0, Swift.min(a.y2, b.y2) - Swift.max(a.y1, b.y1) + 1)
        let inter = w * h
        let iou = inter / (areas[j] + areas[i] - inter)
        if iou > frameNMSOverlap {
          weight[j] = 1 - iou
        } else if iou <= frameNMSOverlap {
          next.append(j)
        }
      }
      order = next
    }
    var weighted = candidates
    for k in 0..<n { weighted[k].score = candidates[k].score * weight[k] }
    let ranked = NumpyLegacyArgsort.argsort(weighted.map(\.score)).reversed()
    return ranked.prefix(framesKept).map { weighted[$0] }
  }

  /// `np.mean` of the scores in float32 (ACT's `tubescore`).
  static func meanScore(_ boxes: [Candidate]) -> Float {
    PairwiseSum.sum(boxes.map(\.score)) / Float(boxes.count)
  }
}
