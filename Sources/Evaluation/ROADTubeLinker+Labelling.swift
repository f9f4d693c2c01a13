extension ROADTubeLinker {
  /// Step 3 (`actionPathSmoother4oneVideo`): the label of each frame of `path`, by `dpEM_max` on its
  /// boxes' scores of every label plus 20 with ``labelSwitchPenalty``.
  func labels(of path: ROADPath, in frames: [[ROADPrior]]) -> [Int] {
    Self.viterbi(path.sources.map { frames[$0.frame][$0.prior].scores }, penalty: labelSwitchPenalty)
  }

  /// `dpEM_max(M + 20, alpha)`: `columns[f][l]` is label `l`'s score on frame `f`; returns the label
  /// of each frame.
  ///
  /// `D(l, f) = M(l, f) + max_k (D(k, f - 1) - alpha * (k != l))` with `D(·, 0) = 0`; the path ends in
  /// the first label with the largest `D` on the last frame and follows the back-pointers, each the
  /// first `k` of the largest. `M` is float32 (`single` scores + 20), `D` float64, as in ROAD. The
  /// maximum over `k` is found from the two best `D(k) - alpha` of each frame (linear in the labels,
  /// the same result as MATLAB's quadratic loop, ties included).
  static func viterbi(_ columns: [[Float]], penalty alpha: Double) -> [Int] {
    guard let r = columns.first?.count, r > 0 else { return [] }
    let c = columns.count
    var previous = [Double](repeating: 0, count: r)
    var current = [Double](repeating: 0, count: r)
    var lowered = [Double](repeating: 0, count: r)
    var back = [Int](repeating: 0, count: r * c)
    for j in 0..<c {
      for k in 0..<r { lowered[k] = previous[k] - alpha }
      var first = 0
      for k in 1..<r where lowered[k] > lowered[first] { first = k }
      var second = -1
      for k in 0..<r where k != first && (second < 0 || lowered[k] > lowered[second]) { second = k }
      for l in 0..<r {
        var best = l
        var value = previous[l]  // D(l) - alpha * 0
        let other = first != l ? first : second  // the first of the largest among k != l
        if other >= 0 && (lowered[other] > value || (lowered[other] == value && other < l)) {
          best = other
          value = lowered[other]
        }
        current[l] = Double(columns[j][l] + 20) + value
        back[j * r + l] = best
      }
      swap(&previous, &current)
    }
    var label = 0
    for k in 1..<r where previous[k] > previous[label] { label = k }
    var out = [Int](repeating: label, count: c)
    for j in stride(from: c - 1, to: 0, by: -1) {
      label = back[j * r + label]
      out[j - 1] = label
    }
    return out
  }

  /// `extract_action`: the runs of consecutive frames labelled `label`, as 0-based position ranges,
  /// in time order.
  static func runs(of label: Int, in labels: [Int]) -> [ClosedRange<Int>] {
    var out: [ClosedRange<Int>] = []
    var start: Int?
    for (k, l) in labels.enumerated() {
      if l == label {
        if start == nil { start = k }
      } else if let s = start {
        out.append(s...(k - 1))
        start = nil
      }
    }
    if let s = start { out.append(s...(labels.count - 1)) }
    return out
  }
}
