import Datasets
import Primitives

/// Links per-frame detections into tubes the way YOWO does for its video-mAP
/// (`core/eval_results.py:link_video_one_class` with `bNMS3d=True` and its
/// `link_bbxes_between_frames`, wei-tim/YOWO 9d202c16): an offline Viterbi linking in the manner of
/// Gkioxari and Malik's action tubes, not the online linking of Singh et al. (ROAD).
///
/// Per video and label, over all of the video's frames:
/// 1. Frames without a box of the label take the boxes of the nearest frame that has some (the
///    earlier one when two are as near). A label with no box on any frame gets no tube.
/// 2. Every pair of boxes on consecutive frames gets the edge score
///    `IoU + (s1 + s2) + 0.5 * s1 * s2` (``Box/yowoIoU(with:)``, stored as float32).
/// 3. Viterbi from the last frame back: each box's best continuation (first index on ties), then the
///    path from the first frame's best box. The path's boxes are removed from their frames and the
///    search repeats, until ``pathsPerLabel`` paths are found or a frame has no box left.
/// 4. Each path is a tube over every frame of the video, scored by the float32 mean of its boxes'
///    scores; the tubes go through YOWO's tube NMS (`nms_3d` at ``tubeNMSOverlap``, IoU
///    ``Tube/yowoSpatioTemporalIoU(with:)``) and the kept ones come out in keep order.
///
/// The arithmetic is the reference's: float32 for what numpy holds in float32 arrays, float64 where
/// Python floats enter (the edge score's sum), numpy ≤ 1.24's `argsort` for the NMS order.
public struct YOWOTubeLinker: Sendable, Hashable {
  /// Paths searched per video and label (`len(res) == 3`).
  public var pathsPerLabel = 3
  /// Tube NMS overlap: a tube whose IoU with a kept one exceeds it is dropped (`nms_3d(dets, 0.3)`).
  public var tubeNMSOverlap: Double = 0.3

  /// The reference's parameters.
  public init() {}

  /// The tubes of one video: label by label in `labels` order, each label's kept tubes in keep
  /// order. Every tube spans frames `1...frameCount`. Detections whose label is not in `labels`, or
  /// whose frame is outside `1...frameCount`, are ignored; each frame's boxes keep input order.
  public func tubes(linking detections: [FrameDetection], labels: [String], frameCount: Int) -> [Tube] {
    let perLabel = LinkCandidate.grouped(detections, labels: labels, frameCount: frameCount)
    return perLabel.indices.flatMap { label -> [Tube] in
      let tubes = paths(perLabel[label]).map { path in
        Tube(label: label, score: Self.meanScore(path), firstFrame: 1, boxes: path.map(\.box))
      }
      return nonMaximumSuppression(tubes).map { tubes[$0] }
    }
  }

  /// A box and its score on one frame.
  typealias Candidate = LinkCandidate

  /// `link_bbxes_between_frames`: up to ``pathsPerLabel`` paths, each one candidate per frame
  /// (`frames[f]` is frame `f + 1`), in the order found.
  func paths(_ frames: [[Candidate]]) -> [[Candidate]] {
    let nonEmpty = frames.indices.filter { !frames[$0].isEmpty }
    guard let firstNonEmpty = nonEmpty.first else { return [] }
    var detect = frames
    for i in detect.indices where detect[i].isEmpty {
      var nearest = firstNonEmpty  // np.argmin(|ind_notempty - i|): the first of the nearest
      for k in nonEmpty where abs(k - i) < abs(nearest - i) { nearest = k }
      detect[i] = frames[nearest]
    }
    let n = detect.count
    // Edge scores stay as computed; removing a box only shrinks `alive`, the original indices of the
    // boxes still on each frame, in order (what `np.delete` leaves).
    let edges = (0..<(n - 1)).map { Self.edgeScores(detect[$0], detect[$0 + 1]) }
    var alive = detect.map { Array($0.indices) }
    var found: [[Candidate]] = []
    var scores = [[Float]](repeating: [], count: n)
    var next = [[Int]](repeating: [], count: n)
    while true {
      scores[n - 1] = [Float](repeating: 0, count: alive[n - 1].count)
      for i in stride(from: n - 2, through: 0, by: -1) {
        let width = detect[i + 1].count
        let later = scores[i + 1]
        let columns = alive[i + 1]
        scores[i] = [Float](repeating: 0, count: alive[i].count)
        next[i] = [Int](repeating: 0, count: alive[i].count)
        for (r, row) in alive[i].enumerated() {
          let base = row * width
          let best = Numpy.argmax(count: columns.count) { edges[i][base + columns[$0]] + later[$0] }
          next[i][r] = best
          scores[i][r] = edges[i][base + columns[best]] + later[best]
        }
      }
      var position = Numpy.argmax(count: scores[0].count) { scores[0][$0] }
      var path: [Candidate] = []
      path.reserveCapacity(n)
      var exhausted = false
      for i in 0..<n {
        let following = i < n - 1 ? next[i][position] : 0
        path.append(detect[i][alive[i][position]])
        alive[i].remove(at: position)
        if alive[i].isEmpty { exhausted = true }
        position = following
      }
      found.append(path)
      if found.count == pathsPerLabel || exhausted { return found }
    }
  }

  /// `compute_score_one_class`: row-major `[a.count, b.count]` float32 edge scores
  /// `1.0 * IoU + 1.0 * (s1 + s2) + 0.5 * (s1 * s2)`; the score sum and product are float32 numpy
  /// scalars, the weighted sum float64 (numpy 1.x promotes a float32 scalar times a Python float).
  static func edgeScores(_ a: [Candidate], _ b: [Candidate]) -> [Float] {
    var out = [Float](repeating: 0, count: a.count * b.count)
    for (i, p) in a.enumerated() {
      for (j, q) in b.enumerated() {
        let iou = Double(p.box.yowoIoU(with: q.box))
        let sum = Double(p.score + q.score)
        let product = Double(p.score * q.score)
        out[i * b.count + j] = Float(1.0 * iou + 1.0 * sum + 0.5 * product)
      }
    }
    return out
  }

  /// `nms_3d(dets, tubeNMSOverlap)`: indices of the kept tubes, in keep order.
  func nonMaximumSuppression(_ tubes: [Tube]) -> [Int] {
    var order = NumpyLegacyArgsort.argsort(tubes.map(\.score))
    var kept: [Int] = []
    while let i = order.popLast() {
      kept.append(i)
      order = order.filter { tubes[$0].yowoSpatioTemporalIoU(with: tubes[i]) <= tubeNMSOverlap }
    }
    return kept
  }

  /// `np.mean(b[:, 5])` in float32: the tube's score.
  static func meanScore(_ path: [Candidate]) -> Float {
    PairwiseSum.sum(path.map(\.score)) / Float(path.count)
  }
}
