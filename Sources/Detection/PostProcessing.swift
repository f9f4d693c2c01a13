import Primitives

/// Second-stage post-processing: class-specific box decoding, clipping, score threshold,
/// per-class NMS, and a cap per class and per frame (TF OD API `batch_non_max_suppression`,
/// torchvision `postprocess_detections`).
public struct PostProcessing: Sendable, Equatable, Codable {
  /// Minimum class score kept.
  public var scoreThreshold: Float
  /// IoU above which a lower-scored box of the same class is suppressed.
  public var iouThreshold: Float
  /// Most detections kept per class.
  public var maxPerClass: Int
  /// Most detections kept per frame (over all classes).
  public var maxPerFrame: Int
  /// Boxes narrower or lower than this (input pixels) after clipping are dropped.
  public var minimumSize: Float

  /// Defaults: score ≥ 0.05, IoU 0.5, 100 per class, 100 per frame, 0.01 px minimum size.
  public init(
    scoreThreshold: Float = 0.05, iouThreshold: Float = 0.5, maxPerClass: Int = 100, maxPerFrame: Int = 100,
    minimumSize: Float = 0.01
  ) {
    self.scoreThreshold = scoreThreshold
    self.iouThreshold = iouThreshold
    self.maxPerClass = maxPerClass
    self.maxPerFrame = maxPerFrame
    self.minimumSize = minimumSize
  }

  /// Detections from per-ROI class scores `[R][classes]` (background already removed), class-specific
  /// deltas `[R][classes]` and the proposals they refine, in an image of `width` × `height`.
  ///
  /// Sorted by decreasing score (ties by class, then proposal order).
  public func callAsFunction(
    proposals: [Box], scores: [[Float]], deltas: [[SIMD4<Float>]], coder: BoxCoder, width: Float,
    height: Float
  ) -> [DetectedAction] {
    let classes = scores.first?.count ?? 0
    var result: [DetectedAction] = []
    for k in 0..<classes {
      var boxes: [Box] = []
      var classScores: [Float] = []
      for r in proposals.indices where scores[r][k] >= scoreThreshold {
        let box = coder.decode(deltas[r][k], anchor: proposals[r]).clipped(width: width, height: height)
        guard box.width >= minimumSize, box.height >= minimumSize else { continue }
        boxes.append(box)
        classScores.append(scores[r][k])
      }
      let kept = NonMaximumSuppression.keep(
        boxes: boxes, scores: classScores, iouThreshold: iouThreshold, limit: maxPerClass)
      result += kept.map { DetectedAction(box: boxes[$0], classIndex: k, score: classScores[$0]) }
    }
    let order = result.indices.sorted {
      result[$0].score > result[$1].score || (result[$0].score == result[$1].score && $0 < $1)
    }
    return order.prefix(maxPerFrame).map { result[$0] }
  }
}
