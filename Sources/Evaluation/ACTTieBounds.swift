import Dispatch

/// Guaranteed bounds, for one `act` label, on how many true positives any order of tied scores
/// puts at each rank: the input of the label's tie interval.
///
/// ACT/MOC's `frameAP` gives a detection the best-IoU *remaining* box of its frame and label, and
/// counts it as a true positive when that IoU is ≥ the threshold. A detection can therefore fall
/// back to a second-best box, and the order inside a run of equal scores can change how many
/// detections match: with d1 overlapping G1 0.8 and G2 0.55 and d2 overlapping only G1 0.6, the
/// order d1, d2 finds 1 true positive and d2, d1 finds 2.
///
/// **Method.** Frames interact only through their place in the ranking, since a detection only
/// competes for the boxes of its own frame (and label). The ranking is a sequence of runs of equal
/// scores. For each frame, the sets of taken boxes that some order of its ties can leave after
/// each run are enumerated exactly (a dynamic program over subsets of the run's detections that
/// can match anything); its true positives after runs 1...r are the size of that set, so their
/// minimum and maximum over orders are exact. When a frame is too large to enumerate
/// (``defaultWorkLimit``), bipartite matching bounds them instead: with edges IoU ≥ threshold, the
/// true positives are a matching (≤ the maximum matching ν), and the matches ACT leaves behind
/// are a maximal matching of the detections seen so far (≥ ⌈ν/2⌉; 0 if an IoU is NaN, since a
/// NaN box is the "best" one and blocks the others). Summing over frames gives, after each run,
/// an upper count U(r) and a lower count L(r) that bound every order. ``upperFlags`` sets
/// U(r) − U(r−1) true positives at the start of run r, ``lowerFlags`` L(r) − L(r−1) at its end.
/// Inside a run at offset j, every order has at most min(U(r−1) + j, U(r)) and at least
/// max(L(r−1), L(r) − (size − j)) true positives: exactly what those placements give.
///
/// **Why the AP is bounded.** With `pr[0] = (precision 1, recall 0)` and the trapezoid rule
/// (`pr_to_ap`), the k-th true positive at rank i adds (k/i + (k−1)/(i−1)) / 2 / positives (1 /
/// positives at i = 1) and a false positive adds nothing. That term is positive and falls as i
/// grows. If order A has at least as many true positives as order B at every rank, A's k-th true
/// positive comes no later than B's and A has at least as many, so AP(A) ≥ AP(B). The upper
/// placement dominates every order, and every order dominates the lower placement. This holds in
/// exact arithmetic; ACT computes in float32, so two orders less than about 1e-5 AP points apart
/// can swap by rounding.
///
/// **Exactness.** When no frame's counts depend on the order (U = L after every run; for example
/// one box per frame and label, or tied duplicates that can only take the same box), the bounds are
/// the true positives of any order, and the placements are the tie rule's true positives moved
/// first / last within each run, as for the other protocols: the upper end is reached, the lower
/// one unless two equal-scored detections compete for one box. Otherwise ``isExact`` is false and
/// the interval is a guaranteed bound that may be wider than the true range (the per-run maxima of
/// different orders need not be reachable by one order).
struct ACTTieBounds: Sendable {
  /// Per position of the label's detections: the upper placement's true positives (each run's
  /// first U(r) − U(r−1) positions in stable ranking order; only the count per run matters).
  var upperFlags: [Bool]
  /// Per position: the lower placement's true positives (L(r) − L(r−1) per run).
  var lowerFlags: [Bool]
  /// `true` when no frame's true-positive count depends on the order of tied scores.
  var isExact: Bool

  /// Step evaluations allowed per frame before falling back to matching bounds.
  static let defaultWorkLimit = 1 << 16

  /// Bounds for the `count` detections of `label` starting at row `start` of `dets`.
  init(
    label: Int32, start: Int, count: Int, threshold: Double, dets: FlatDetections, gt: FlatGroundTruth,
    workLimit: Int = defaultWorkLimit
  ) {
    let order = Ranking.descendingStable(dets.score[start..<(start + count)])
    var runStart: [Int] = []
    var frames: [Int32: [(run: Int, position: Int)]] = [:]
    for (rank, position) in order.enumerated() {
      if rank == 0 || dets.score[start + position] != dets.score[start + order[rank - 1]] {
        runStart.append(rank)
      }
      let d = start + position
      if dets.frame[d] >= 0 && !dets.hasNonFiniteBox(d) {
        frames[dets.frame[d], default: []].append((runStart.count - 1, d))
      }
    }
    runStart.append(order.count)
    var upperGain = [Int](repeating: 0, count: runStart.count - 1)
    var lowerGain = upperGain
    for (f, rows) in frames {
      let frame = Frame(frame: Int(f), rows: rows, label: label, threshold: threshold, dets: dets, gt: gt)
      let counts = frame.counts(threshold: threshold, workLimit: workLimit)
      var previous = (lower: 0, upper: 0)
      for (run, count) in zip(frame.runs, counts) {
        upperGain[run] += count.upper - previous.upper
        lowerGain[run] += count.lower - previous.lower
        previous = count
      }
    }
    upperFlags = [Bool](repeating: false, count: count)
    lowerFlags = upperFlags
    for r in upperGain.indices {
      for rank in runStart[r]..<(runStart[r] + upperGain[r]) { upperFlags[order[rank]] = true }
      for rank in runStart[r]..<(runStart[r] + lowerGain[r]) { lowerFlags[order[rank]] = true }
    }
    isExact = upperGain == lowerGain
  }
}

extension FrameMAPEvaluator {
  /// ``ACTTieBounds`` of every label at IoU threshold `threshold`, labels in parallel.
  func actTieBounds(_ threshold: Double, workLimit: Int = ACTTieBounds.defaultWorkLimit) -> [ACTTieBounds] {
    var bounds = [ACTTieBounds?](repeating: nil, count: labels.count)
    bounds.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let results = buffer
      DispatchQueue.concurrentPerform(iterations: labels.count) { c in
        results[c] = ACTTieBounds(
          label: Int32(c), start: detections.labelStart[c],
          count: detections.labelStart[c + 1] - detections.labelStart[c], threshold: threshold,
          dets: detections, gt: groundTruth, workLimit: workLimit)
      }
    }
    return bounds.map { $0! }
  }
}
