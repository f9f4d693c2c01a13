/// MultiSports / mmaction2 `frameAP` (`reference/frame_map_protocols.md` §1.2).
enum VOCProtocol {
  /// Ranks, matches and scores one label (callers skip labels without ground truth).
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
    var curve = RankedCurve(positives: Int(gt.positives[Int(input.label)]), capacity: order.count)
    for position in order {
      let d = input.start + position
      var positive = false
      if let replay = input.tieExtreme?.flags {
        positive = replay[position]
      } else if let g = bestOfAll(d, label: input.label, dets: dets, gt: gt), g.iou >= input.threshold,
        !taken[g.index]
      {
        taken[g.index] = true
        positive = true
      }
      flags[position] = positive
      curve.append(isTruePositive: positive)
    }
    var outcome = curve.vocOutcome(pairwise: true, scale: 100)
    outcome.truePositiveByIndex = flags
    return outcome
  }

  /// `np.argmax(iou2d(all, box))` over every box of the label in the detection's frame, matched or
  /// not, with IoU without +1, all in float64: mmaction2's `MultiSportsMetric` builds its detection
  /// array with `np.array([video, frame, label, score, *bbox])`, which is float64 (holding the
  /// model's float32 values), so the detection's area is a float64 product.
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
    let dArea = (dx2 - dx1) * (dy2 - dy1)
    var best = -1
    var bestIoU = 0.0
    for g in Int(gt.frameStart[f])..<Int(gt.frameStart[f + 1]) where gt.label[g] == label {
      let gx1 = Double(gt.x1[g])
      let gy1 = Double(gt.y1[g])
      let gx2 = Double(gt.x2[g])
      let gy2 = Double(gt.y2[g])
      let w = Swift.max(0, Swift.min(gx2, dx2) - Swift.max(gx1, dx1))
      let h = Swift.max(0, Swift.min(gy2, dy2) - Swift.max(gy1, dy1))
      let inter = w * h
      let gArea = (gx2 - gx1) * (gy2 - gy1)
      let iou = inter / (gArea + dArea - inter)
      if best < 0 || (!bestIoU.isNaN && (iou.isNaN || iou > bestIoU)) {
        best = g
        bestIoU = iou
      }
    }
    return best < 0 ? nil : (best, bestIoU)
  }
}
