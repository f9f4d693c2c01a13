/// The TF Object Detection API `PascalDetectionEvaluator` as copied by PySlowFast
/// (`reference/frame_map_protocols.md` §1.3): detections matched per frame in the order given.
enum TFODProtocol {
  /// Matches and scores one label (callers skip labels without ground truth).
  static func evaluate(
    _ input: ClassInput, detections dets: FlatDetections, groundTruth gt: FlatGroundTruth,
    taken: UnsafeMutableBufferPointer<Bool>
  ) -> ClassOutcome {
    // Per frame, in input order: drop invalid boxes, then match (VOC duplicate rule).
    var scores: [Float] = []
    var isTP: [Bool] = []
    scores.reserveCapacity(input.count)
    isTP.reserveCapacity(input.count)
    var skipped = 0
    for d in input.start..<(input.start + input.count) {
      guard !(dets.x1[d] >= dets.x2[d] || dets.y1[d] >= dets.y2[d]) else {
        skipped += 1
        continue
      }
      var positive = false
      if let g = bestOfAll(d, label: input.label, dets: dets, gt: gt), g.iou >= input.threshold,
        !taken[g.index]
      {
        taken[g.index] = true
        positive = true
      }
      scores.append(dets.score[d])
      isTP.append(positive)
    }
    // Global ranking of the label: np.argsort(scores)[::-1].
    let order = input.ranked(
      input.ties == .stable
        ? Ranking.descendingStable(scores[...]) : Ranking.legacyAscendingReversed(scores[...]),
      scores: scores[...])
    var curve = RankedCurve(positives: Int(gt.positives[Int(input.label)]), capacity: order.count)
    for k in order { curve.append(isTruePositive: isTP[k]) }
    var outcome = curve.vocOutcome(pairwise: true, skipped: skipped)
    outcome.truePositiveByIndex = isTP
    return outcome
  }

  /// `np.argmax` of `np_box_ops.iou(detection, gt)` over every box of the label in the frame:
  /// IoU without +1, all in float64.
  @inline(__always)
  static func bestOfAll(
    _ d: Int, label: Int32, dets: FlatDetections, gt: FlatGroundTruth
  ) -> (index: Int, iou: Double)? {
    let f = Int(dets.frame[d])
    guard f >= 0, !dets.hasNonFiniteBox(d) else { return nil }
    let dx1 = Double(dets.x1[d])
    let dy1 = Double(dets.y1[d])
    let dx2 = Double(dets.x2[d])
    let dy2 = Double(dets.y2[d])
    let dArea = (dy2 - dy1) * (dx2 - dx1)
    var best = -1
    var bestIoU = 0.0
    for g in Int(gt.frameStart[f])..<Int(gt.frameStart[f + 1]) where gt.label[g] == label {
      let gx1 = Double(gt.x1[g])
      let gy1 = Double(gt.y1[g])
      let gx2 = Double(gt.x2[g])
      let gy2 = Double(gt.y2[g])
      let h = Swift.max(0, Swift.min(dy2, gy2) - Swift.max(dy1, gy1))
      let w = Swift.max(0, Swift.min(dx2, gx2) - Swift.max(dx1, gx1))
      let inter = h * w
      let gArea = (gy2 - gy1) * (gx2 - gx1)
      let iou = inter / (dArea + gArea - inter)
      if best < 0 || (!bestIoU.isNaN && (iou.isNaN || iou > bestIoU)) {
        best = g
        bestIoU = iou
      }
    }
    return best < 0 ? nil : (best, bestIoU)
  }
}
