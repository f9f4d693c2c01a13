/// rafaelpadilla Object-Detection-Metrics as YOWO and YOWOv2 run it
/// (`reference/frame_map_protocols.md` §1.4): annotated frames only.
enum YOWOProtocol {
  /// Ranks, matches and scores one label (callers skip labels without ground truth).
  ///
  /// Detections on frames without any ground-truth box are not evaluated. Inverted boxes
  /// (`x2 < x1` or `y2 < y1`), on which the reference asserts, are false positives. Equal scores
  /// keep YOWO's reading order: frames in `fileRank` order (``YOWOFileOrder``), then input order.
  static func evaluate(
    _ input: ClassInput, detections dets: FlatDetections, groundTruth gt: FlatGroundTruth,
    fileRank: [Int32], taken: UnsafeMutableBufferPointer<Bool>
  ) -> ClassOutcome {
    var rows: [Int] = []
    rows.reserveCapacity(input.count)
    var skipped = 0
    for d in input.start..<(input.start + input.count) {
      let f = Int(dets.frame[d])
      if f >= 0 && gt.frameStart[f + 1] > gt.frameStart[f] {
        rows.append(d)
      } else {
        skipped += 1
      }
    }
    // Stable: rows of one frame keep their input (line) order.
    rows.sort { a, b in
      let (ra, rb) = (fileRank[Int(dets.frame[a])], fileRank[Int(dets.frame[b])])
      return ra == rb ? a < b : ra < rb
    }
    let scores = ArraySlice(rows.map { dets.score[$0] })
    let order = input.ranked(Ranking.descendingStable(scores), scores: scores)
    var flags = [Bool](repeating: false, count: order.count)
    var curve = RankedCurve(positives: Int(gt.positives[Int(input.label)]), capacity: order.count)
    for k in order {
      let d = rows[k]
      var positive = false
      if let replay = input.tieExtreme?.flags {
        positive = replay[k]
      } else if let g = firstStrictMax(d, label: input.label, dets: dets, gt: gt), g.iou >= input.threshold,
        !taken[g.index]
      {
        taken[g.index] = true
        positive = true
      }
      flags[k] = positive
      curve.append(isTruePositive: positive)
    }
    var outcome = curve.vocOutcome(pairwise: false, skipped: skipped)
    outcome.truePositiveByIndex = flags
    return outcome
  }

  /// Padilla's scan: the first GT box whose IoU is strictly above the running maximum, which starts
  /// at the smallest normal double.
  @inline(__always)
  static func firstStrictMax(
    _ d: Int, label: Int32, dets: FlatDetections, gt: FlatGroundTruth
  ) -> (index: Int, iou: Double)? {
    let f = Int(dets.frame[d])
    guard f >= 0, !dets.hasNonFiniteBox(d), dets.x2[d] >= dets.x1[d], dets.y2[d] >= dets.y1[d] else {
      return nil
    }
    let ax1 = Double(dets.x1[d])
    let ay1 = Double(dets.y1[d])
    let ax2 = Double(dets.x2[d])
    let ay2 = Double(dets.y2[d])
    let aArea = (ax2 - ax1 + 1) * (ay2 - ay1 + 1)
    var best = -1
    var bestIoU = Double.leastNormalMagnitude
    for g in Int(gt.frameStart[f])..<Int(gt.frameStart[f + 1]) where gt.label[g] == label {
      let bx1 = Double(gt.x1[g])
      let by1 = Double(gt.y1[g])
      let bx2 = Double(gt.x2[g])
      let by2 = Double(gt.y2[g])
      if ax1 > bx2 || bx1 > ax2 || ay2 < by1 || ay1 > by2 { continue }
      let xA = Swift.max(ax1, bx1)
      let yA = Swift.max(ay1, by1)
      let xB = Swift.min(ax2, bx2)
      let yB = Swift.min(ay2, by2)
      let inter = (xB - xA + 1) * (yB - yA + 1)
      let bArea = (bx2 - bx1 + 1) * (by2 - by1 + 1)
      let iou = inter / (aArea + bArea - inter)
      if iou > bestIoU {
        best = g
        bestIoU = iou
      }
    }
    return best < 0 ? nil : (best, bestIoU)
  }
}
