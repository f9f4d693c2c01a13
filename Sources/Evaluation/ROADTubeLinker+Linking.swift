import Primitives

/// One linked path of one label, after ROAD's `fill_gaps`: a box on every frame from ``start`` on.
struct ROADPath: Equatable {
  /// Where a box comes from: its 0-based frame and its index among that frame's priors.
  struct Source: Hashable {
    /// 0-based frame of the prior.
    var frame: Int
    /// Index of the prior in its frame.
    var prior: Int
  }

  /// 1-based frame of the first box.
  var start: Int
  /// 1-based frames on which the path took a box (ROAD's `foundAT`).
  var foundAt: [Int]
  /// Per frame from ``start`` on, the prior it shows; a gap repeats the prior found after it.
  var sources: [Source]
  /// Per frame from ``start`` on, that prior's score of the path's label.
  var scores: [Float]
}

extension ROADTubeLinker {
  /// A path while linking (ROAD's `live_paths` entry).
  private struct Open {
    var found: [ROADPath.Source]
    var scores: [Float]
    var lastFound = 0
    /// The `maximumGap + 1` largest scores so far, ascending: what ROAD's order score averages, in
    /// the order it adds them (`sort(scores, 'ascend')`, the last `gap + 1`).
    var largest: [Float]

    init(_ source: ROADPath.Source, score: Float) {
      found = [source]
      scores = [score]
      largest = [score]
    }

    mutating func append(_ source: ROADPath.Source, score: Float, keep: Int) {
      found.append(source)
      scores.append(score)
      largest.insert(score, at: largest.firstIndex { $0 > score } ?? largest.count)
      if largest.count > keep { largest.removeFirst() }
    }
  }

  /// Steps 1 and 2: `genActionPaths` for one label, `frames[f]` being frame `f + 1`; the paths in
  /// `sort_paths` order.
  func paths(_ frames: [[ROADPrior]], label: Int) -> [ROADPath] {
    var live: [Open] = []
    var dead: [Open] = []
    for (t, priors) in frames.enumerated() {
      let kept = filtered(priors, label: label)
      let boxes = kept.map { Self.shifted(priors[$0].box) }
      let scores = kept.map { priors[$0].scores[label] }
      var covered = [Bool](repeating: false, count: kept.count)
      if t > 0 {
        var edges = live.map { path -> [Float] in
          let last = path.found[path.found.count - 1]
          let box = Self.shifted(frames[last.frame][last.prior].box)
          return boxes.indices.map { Self.linkIoU(box, boxes[$0]) >= linkIoU ? scores[$0] : 0 }
        }
        var order = [Float](repeating: 0, count: live.count)
        for p in live.indices {
          if edges[p].contains(where: { $0 > 0 }) {
            var best = 0  // MATLAB's max: the first of the largest
            for i in edges[p].indices where edges[p][i] > edges[p][best] { best = i }
            live[p].append(
              ROADPath.Source(frame: t, prior: kept[best]), score: scores[best], keep: maximumGap + 1)
            live[p].lastFound = 0
            for q in edges.indices { edges[q][best] = 0 }
            covered[best] = true
          } else {
            live[p].lastFound += 1
          }
          order[p] = Self.mean(live[p].largest)
        }
        // sort_live_paths: stable descending order; paths past the gap end.
        let ranked = live.indices.sorted { order[$0] > order[$1] || (order[$0] == order[$1] && $0 < $1) }
        var next: [Open] = []
        for p in ranked {
          if live[p].lastFound < maximumGap { next.append(live[p]) } else { dead.append(live[p]) }
        }
        live = next
      }
      for i in kept.indices where !covered[i] {
        live.append(Open(ROADPath.Source(frame: t, prior: kept[i]), score: scores[i]))
      }
    }
    let paths = (live + dead).compactMap(filled)
    let order = paths.map { Self.mean($0.scores.sorted(by: >).prefix(20)) }
    return paths.indices.sorted { order[$0] > order[$1] || (order[$0] == order[$1] && $0 < $1) }
      .map { paths[$0] }
  }

  /// `fill_gaps`: the path with a box on every frame (a gap takes the box found after it), or `nil`
  /// when it found at most ``maximumGap`` boxes.
  private func filled(_ path: Open) -> ROADPath? {
    guard path.found.count > maximumGap else { return nil }
    var sources: [ROADPath.Source] = []
    var scores: [Float] = []
    for (i, source) in path.found.enumerated() {
      let repeats = i == 0 ? 1 : source.frame - path.found[i - 1].frame
      for _ in 0..<repeats {
        sources.append(source)
        scores.append(path.scores[i])
      }
    }
    return ROADPath(
      start: path.found[0].frame + 1, foundAt: path.found.map { $0.frame + 1 }, sources: sources,
      scores: scores)
  }

  /// `dofilter` for one frame: indices of the priors kept for `label`, best first.
  func filtered(_ priors: [ROADPrior], label: Int) -> [Int] {
    let eligible = priors.indices.filter { priors[$0].scores[label] > scoreThreshold }
    let ranked = eligible.sorted {
      let (a, b) = (priors[$0].scores[label], priors[$1].scores[label])
      return a > b || (a == b && $0 < $1)
    }
    let top = Array(ranked.prefix(candidatesBeforeNMS))
    let kept = Self.nms(
      top.map { Self.shifted(priors[$0].box) }, scores: top.map { priors[$0].scores[label] },
      overlap: frameNMSOverlap)
    return kept.prefix(boxesPerFrame).map { top[$0] }
  }

  /// ROAD's `nms.m` (Felzenszwalb and Girshick's): continuous areas `(x2 - x1) * (y2 - y1)`; boxes
  /// by a stable ascending sort of the scores, taken from the end (so of equal scores the later box
  /// wins); a box overlapping the taken one by more than `overlap` is dropped. Indices in pick order.
  static func nms(_ boxes: [Box], scores: [Float], overlap: Float) -> [Int] {
    let area = boxes.map { ($0.x2 - $0.x1) * ($0.y2 - $0.y1) }
    var order = boxes.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    var pick: [Int] = []
    while let i = order.last {
      pick.append(i)
      order = order.dropLast().filter { j in
        let w = min(boxes[i].x2, boxes[j].x2) - max(boxes[i].x1, boxes[j].x1)
        let h = min(boxes[i].y2, boxes[j].y2) - max(boxes[i].y1, boxes[j].y1)
        guard w > 0 && h > 0 else { return true }
        let inter = w * h
        return !(inter / (area[j] + area[i] - inter) > overlap)
      }
    }
    return pick
  }

  /// `score_of_edge`'s IoU: `rectint` of `[x1, y1, x2 - x1 + 1, y2 - y1 + 1]` rectangles, divided by
  /// the union plus `eps`, all in float32 as Octave computes it on single values.
  static func linkIoU(_ a: Box, _ b: Box) -> Float {
    let (aw, ah) = ((a.x2 - a.x1) + 1, (a.y2 - a.y1) + 1)
    let (bw, bh) = ((b.x2 - b.x1) + 1, (b.y2 - b.y1) + 1)
    var dx = min(a.x1 + aw, b.x1 + bw) - max(a.x1, b.x1)
    var dy = min(a.y1 + ah, b.y1 + bh) - max(a.y1, b.y1)
    if dx < 0 { dx = 0 }
    if dy < 0 { dy = 0 }
    let inter = dx * dy
    let union = (aw * ah + bw * bh) - inter
    return inter / (union + Float(Double.ulpOfOne))
  }

  /// MATLAB's `mean` of single values: a float32 sum in the given order, then one division.
  static func mean<C: Collection>(_ values: C) -> Float where C.Element == Float {
    var sum: Float = 0
    for v in values { sum += v }
    return sum / Float(values.count)
  }
}
