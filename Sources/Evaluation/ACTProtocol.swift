/// ACT / MOC `frameAP` (`reference/frame_map_protocols.md` §1.1, §5).
enum ACTProtocol {
  /// Ranks, matches and scores one label.
  static func evaluate(
    _ input: ClassInput, detections dets: FlatDetections, groundTruth gt: FlatGroundTruth,
    taken: UnsafeMutableBufferPointer<Bool>
  ) -> ClassOutcome {
    let range = input.start..<(input.start + input.count)
    let scores = dets.score[range]
    let order = input.ranked(
      input.ties == .stable ? Ranking.descendingStable(scores) : Ranking.legacyNegated(scores), scores: scores
    )
    var flags = [Bool](repeating: false, count: order.count)
    let positives = gt.positives[Int(input.label)]
    var recall = [Float](repeating: 0, count: order.count + 1)
    var precision = [Float](repeating: 0, count: order.count + 1)
    precision[0] = 1
    var tp = 0
    var fp = 0
    for (i, position) in order.enumerated() {
      let d = input.start + position
      var positive = false
      if let replay = input.tieExtreme?.flags {
        positive = replay[position]
      } else if let g = bestRemaining(d, label: input.label, dets: dets, gt: gt, taken: taken),
        g.iou >= input.threshold
      {
        taken[g.index] = true
        positive = true
      }
      if positive {
        flags[position] = true
        tp += 1
      } else {
        fp += 1
      }
      precision[i + 1] = Float(Double(tp) / Double(tp + fp))
      recall[i + 1] = positives > 0 ? Float(Double(tp) / Double(positives)) : 0
    }
    let ap = AveragePrecision.trapezoid(recall: recall, precision: precision)
    var outcome = ClassOutcome()
    outcome.value = Double(100 * ap)
    outcome.evaluated = order.count
    outcome.truePositives = tp
    outcome.falsePositives = fp
    outcome.recall = recall
    outcome.precision = precision
    outcome.truePositiveByIndex = flags
    return outcome
  }

  /// `np.argmax(iou2d(remaining, box))` over the still-unmatched boxes of the label in the
  /// detection's frame (the first maximum wins; a NaN IoU wins over every number).
  @inline(__always)
  static func bestRemaining(
    _ d: Int, label: Int32, dets: FlatDetections, gt: FlatGroundTruth, taken: UnsafeMutableBufferPointer<Bool>
  ) -> (index: Int, iou: Double)? {
    let f = Int(dets.frame[d])
    guard f >= 0, !dets.hasNonFiniteBox(d) else { return nil }
    let box = DetectionBox(d, dets)
    var best = -1
    var bestIoU = 0.0
    for g in Int(gt.frameStart[f])..<Int(gt.frameStart[f + 1]) where gt.label[g] == label && !taken[g] {
      let iou = box.iou(with: g, gt)
      if best < 0 || (!bestIoU.isNaN && (iou.isNaN || iou > bestIoU)) {
        best = g
        bestIoU = iou
      }
    }
    return best < 0 ? nil : (best, bestIoU)
  }

  /// A detection box prepared for ACT's `iou2d`: ACT keeps detections as float32, so their +1 and
  /// area are float32 operations; the rest is float64.
  struct DetectionBox {
    let x1: Double
    let y1: Double
    let x2PlusOne: Double
    let y2PlusOne: Double
    let area: Double

    /// Row `d` of `dets`.
    @inline(__always)
    init(_ d: Int, _ dets: FlatDetections) {
      x1 = Double(dets.x1[d])
      y1 = Double(dets.y1[d])
      x2PlusOne = Double(dets.x2[d] + 1)
      y2PlusOne = Double(dets.y2[d] + 1)
      area = Double((dets.x2[d] - dets.x1[d] + 1) * (dets.y2[d] - dets.y1[d] + 1))
    }

    /// ACT's `iou2d` with ground-truth row `g` (+1-pixel widths; NaN when the union is 0).
    @inline(__always)
    func iou(with g: Int, _ gt: FlatGroundTruth) -> Double {
      let gx1 = Double(gt.x1[g])
      let gy1 = Double(gt.y1[g])
      let gx2 = Double(gt.x2[g])
      let gy2 = Double(gt.y2[g])
      let w = Swift.max(0, Swift.min(gx2 + 1, x2PlusOne) - Swift.max(gx1, x1))
      let h = Swift.max(0, Swift.min(gy2 + 1, y2PlusOne) - Swift.max(gy1, y1))
      let inter = w * h
      let gArea = (gx2 - gx1 + 1) * (gy2 - gy1 + 1)
      return inter / (gArea + area - inter)
    }
  }
}
