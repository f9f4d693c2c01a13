extension ACTTieBounds {
  /// One frame's detections of one label, grouped by run of equal scores, and the IoUs ACT's
  /// matching sees: the unit whose true positives the order of ties can change.
  struct Frame {
    /// The runs (global run indices, ascending) holding at least one of the frame's detections.
    private(set) var runs: [Int] = []
    /// Per entry of ``runs``: the frame's detections in that run that can match a box (some IoU
    /// ≥ threshold), as rows of ``iou``. The others are false positives in every order and take
    /// nothing (their best remaining IoU is below the threshold or NaN).
    private(set) var active: [[Int]] = []
    /// ACT's IoU of each active detection with each of the frame's boxes of the label
    /// (row-major, ``boxCount`` per row, boxes in ground-truth order).
    private(set) var iou: [Double] = []
    /// Ground-truth boxes of the label in the frame.
    let boxCount: Int

    /// The frame `frame` with its detections `rows` (global run, detection row) in ranking order.
    init(
      frame: Int, rows: [(run: Int, position: Int)], label: Int32, threshold: Double, dets: FlatDetections,
      gt: FlatGroundTruth
    ) {
      let boxes = (Int(gt.frameStart[frame])..<Int(gt.frameStart[frame + 1])).filter { gt.label[$0] == label }
      boxCount = boxes.count
      for (run, d) in rows {
        if runs.last != run {
          runs.append(run)
          active.append([])
        }
        let box = ACTProtocol.DetectionBox(d, dets)
        let values = boxes.map { box.iou(with: $0, gt) }
        guard values.contains(where: { $0 >= threshold }) else { continue }
        active[active.count - 1].append(iou.count / max(1, boxCount))
        iou.append(contentsOf: values)
      }
    }

    /// Lower and upper bounds on the frame's true positives after each of ``runs`` (cumulative),
    /// over every order of tied scores: exact by enumeration when it takes at most `workLimit`
    /// steps, matching bounds otherwise.
    func counts(threshold: Double, workLimit: Int) -> [(lower: Int, upper: Int)] {
      enumerated(threshold: threshold, workLimit: workLimit) ?? matchingBounds(threshold: threshold)
    }

    /// The box ACT's matching takes for active detection `a` when the boxes in `taken` are gone:
    /// `taken` plus that box, or `taken` when the detection is a false positive.
    @inline(__always)
    func step(_ taken: UInt64, _ a: Int, threshold: Double) -> UInt64 {
      var best = -1
      var bestIoU = 0.0
      for g in 0..<boxCount where taken & (1 << UInt64(g)) == 0 {
        let value = iou[a * boxCount + g]
        if best < 0 || (!bestIoU.isNaN && (value.isNaN || value > bestIoU)) {
          best = g
          bestIoU = value
        }
      }
      return best >= 0 && bestIoU >= threshold ? taken | (1 << UInt64(best)) : taken
    }

    /// Exact counts: the set of taken-box sets reachable after each run, run by run, each run's
    /// orders enumerated as a dynamic program over subsets of its active detections; `nil` when
    /// that would exceed `workLimit` steps or the frame has more than 64 boxes.
    func enumerated(threshold: Double, workLimit: Int) -> [(lower: Int, upper: Int)]? {
      guard boxCount <= 64 else { return nil }
      var states: Set<UInt64> = [0]
      var work = 0
      var result: [(lower: Int, upper: Int)] = []
      for members in active {
        let m = members.count
        if m == 1 {
          states = Set(states.map { step($0, members[0], threshold: threshold) })
          work += states.count
        } else if m > 1 {
          guard m <= 16 else { return nil }
          work += (1 << m) * m * states.count
          guard work <= workLimit else { return nil }
          // reach[s]: taken sets after the detections of subset s, in some order.
          var reach = [Set<UInt64>](repeating: [], count: 1 << m)
          reach[0] = states
          for s in 0..<(1 << m) where !reach[s].isEmpty {
            for i in 0..<m where s & (1 << i) == 0 {
              for taken in reach[s] {
                reach[s | (1 << i)].insert(step(taken, members[i], threshold: threshold))
              }
            }
          }
          states = reach[(1 << m) - 1]
        }
        guard work <= workLimit else { return nil }
        let sizes = states.map(\.nonzeroBitCount)
        result.append((sizes.min() ?? 0, sizes.max() ?? 0))
      }
      return result
    }

    /// Matching bounds: with edges IoU ≥ threshold, at most the maximum matching ν of the active
    /// detections seen so far, and at least ⌈ν/2⌉ (ACT's matches form a maximal matching), or 0
    /// when an active detection has a NaN IoU. ν grows by Kuhn's augmenting paths, one detection
    /// at a time.
    func matchingBounds(threshold: Double) -> [(lower: Int, upper: Int)] {
      let hasNaN = iou.contains { $0.isNaN }
      var owner = [Int](repeating: -1, count: boxCount)
      var matched = 0
      var result: [(lower: Int, upper: Int)] = []
      for members in active {
        for a in members {
          var visited = [Bool](repeating: false, count: boxCount)
          if augment(a, &owner, &visited, threshold: threshold) { matched += 1 }
        }
        result.append((hasNaN ? 0 : (matched + 1) / 2, matched))
      }
      return result
    }

    /// Kuhn's step: finds a box for active detection `a`, re-seating earlier detections.
    private func augment(_ a: Int, _ owner: inout [Int], _ visited: inout [Bool], threshold: Double) -> Bool {
      for g in 0..<boxCount where !visited[g] && iou[a * boxCount + g] >= threshold {
        visited[g] = true
        if owner[g] < 0 || augment(owner[g], &owner, &visited, threshold: threshold) {
          owner[g] = a
          return true
        }
      }
      return false
    }
  }
}
