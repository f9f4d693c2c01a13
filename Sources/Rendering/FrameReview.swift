import Primitives

/// A labelled box to show in a review picture: ground truth (no score) or a detection.
public struct ReviewBox: Sendable, Equatable {
  /// Class name.
  public var label: String
  /// Detection confidence; `nil` for ground truth.
  public var score: Float?
  /// Box in the picture's pixels.
  public var box: Box
  /// Id of the tube the box belongs to (`detect --tubes`, `render-annotations --tubes`), or `nil`.
  public var tube: Int?

  /// Creates a review box.
  public init(label: String, score: Float? = nil, box: Box, tube: Int? = nil) {
    self.label = label
    self.score = score
    self.box = box
    self.tube = tube
  }

  /// The text drawn on the box: `#3 clap 0.91` (tube id, label, score to two decimals), each part
  /// only when present: `clap 0.91` for a detection, `clap` for ground truth.
  public var caption: String {
    (tube.map { "#\($0) " } ?? "") + label + (score.map { " " + RGBImage.twoDecimals($0) } ?? "")
  }
}

/// How the detections of one frame compare with its ground truth.
public struct FrameReview: Sendable, Equatable {
  /// For each detection (input order): did it match a ground-truth box?
  public var detectionIsTruePositive: [Bool]
  /// For each ground-truth box (input order): did a detection match it?
  public var groundTruthIsFound: [Bool]

  /// Matches detections to ground truth of the same label, highest score first (ties keep input
  /// order); each detection takes the unmatched box with the highest IoU (continuous, no +1), and
  /// is a true positive when that IoU is at least `iouThreshold`. Each box matches at most once,
  /// so a duplicate detection of a found person is a false positive (the VOC rule).
  public init(groundTruth: [ReviewBox], detections: [ReviewBox], iouThreshold: Float) {
    var found = [Bool](repeating: false, count: groundTruth.count)
    var hits = [Bool](repeating: false, count: detections.count)
    let order = detections.indices.sorted { a, b in
      let sa = detections[a].score ?? 0
      let sb = detections[b].score ?? 0
      return sa != sb ? sa > sb : a < b
    }
    for d in order {
      var best = -1
      var bestIoU: Float = -1
      for g in groundTruth.indices where !found[g] && groundTruth[g].label == detections[d].label {
        let iou = groundTruth[g].box.iou(with: detections[d].box)
        if iou > bestIoU {
          bestIoU = iou
          best = g
        }
      }
      if best >= 0, bestIoU >= iouThreshold {
        found[best] = true
        hits[d] = true
      }
    }
    detectionIsTruePositive = hits
    groundTruthIsFound = found
  }
}

extension RGBImage {
  /// Draws ground truth and, when `compareWithDetections`, detections coloured by outcome: true
  /// positives green, false positives red, missed ground truth yellow, found ground truth thin
  /// cyan; plus a legend naming the colours. Without comparison, ground truth is cyan.
  public mutating func drawReview(
    groundTruth: [ReviewBox], detections: [ReviewBox], compareWithDetections: Bool,
    iouThreshold: Float = 0.5, thickness: Int = 2
  ) {
    // Labels avoid the legend and each other, so none hides another.
    guard compareWithDetections else {
      let legend = [(name: "ground truth", colour: Palette.groundTruth)]
      var occupied = legendRectangle(legend).map { [$0] } ?? []
      for g in groundTruth {
        if let r = drawLabelledBox(
          g.box, text: g.label, colour: Palette.groundTruth, thickness: thickness, avoiding: occupied)
        {
          occupied.append(r)
        }
      }
      drawLegend(legend)
      return
    }
    let legend = [
      (name: "true positive", colour: Palette.truePositive),
      (name: "false positive", colour: Palette.falsePositive),
      (name: "missed", colour: Palette.missed),
      (name: "ground truth", colour: Palette.groundTruth),
    ]
    var occupied = legendRectangle(legend).map { [$0] } ?? []
    let review = FrameReview(groundTruth: groundTruth, detections: detections, iouThreshold: iouThreshold)
    for (g, isFound) in zip(groundTruth, review.groundTruthIsFound) {
      if isFound {
        strokeBox(g.box, colour: Palette.groundTruth, thickness: 1)
      } else {
        if let r = drawLabelledBox(
          g.box, text: "missed " + g.label, colour: Palette.missed, thickness: thickness, avoiding: occupied)
        {
          occupied.append(r)
        }
      }
    }
    for (d, isHit) in zip(detections, review.detectionIsTruePositive) {
      let text = d.caption
      let colour = isHit ? Palette.truePositive : Palette.falsePositive
      if let r = drawLabelledBox(d.box, text: text, colour: colour, thickness: thickness, avoiding: occupied)
      {
        occupied.append(r)
      }
    }
    drawLegend(legend)
  }

  /// `0.87` for 0.8712; scores outside 0...1 keep their integer part.
  static func twoDecimals(_ v: Float) -> String {
    guard v.isFinite else { return "\(v)" }
    let hundredths = Int((Double(v) * 100).rounded())
    let fraction = abs(hundredths % 100)
    let sign = hundredths < 0 ? "-" : ""
    return "\(sign)\(abs(hundredths / 100)).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}
