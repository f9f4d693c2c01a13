import Datasets
import Primitives
import Testing

@testable import Evaluation

/// Brute force: small random `act` inputs with heavy ties, every order of the tied scores scored by
/// the evaluator itself (each order given distinct scores), against the tie interval.
/// Tolerance: 1e-9 AP points (every order and every bound goes through the same float32 formula,
/// and distinct sequences of at most 7 detections differ by far more than float32 rounding).
@Suite struct ACTTieBoundsPropertyTests {
  /// One random case: 1–2 frames with 1–4 boxes of label `a` (frame 1: at least 2), plus a frame without ground truth;
  /// 3–7 detections on boxes jittered by a few pixels (IoUs around 0.5 with several boxes), with at
  /// most three distinct scores.
  struct Case {
    var groundTruth: GroundTruth
    var detections: [FrameDetection]

    init(_ rng: inout SplitMix64) {
      func box() -> Box {
        let x = Float(Int.random(in: 0...6, using: &rng))
        let y = Float(Int.random(in: 0...2, using: &rng))
        return Box(
          x1: x, y1: y, x2: x + Float([7, 9].randomElement(using: &rng)!),
          y2: y + Float([7, 9].randomElement(using: &rng)!))
      }
      let frames = Int.random(in: 1...2, using: &rng)
      var tubes: [GroundTruthTube] = []
      for f in 1...frames {
        for _ in 0..<Int.random(in: 1...3, using: &rng) + (f == 1 ? 1 : 0) {
          tubes.append(GroundTruthTube(label: 0, frames: [f], boxes: [box()]))
        }
      }
      groundTruth = GroundTruth(
        labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
        videos: ["v": VideoAnnotation(frameCount: frames + 1, height: 240, width: 320, tubes: tubes)])
      let levels: [Float] = Array([0.9, 0.6, 0.3].prefix(Int.random(in: 1...3, using: &rng)))
      detections = (0..<Int.random(in: 3...7, using: &rng)).map { _ in
        let frame =
          Int.random(in: 0..<10, using: &rng) == 0 ? frames + 1 : Int.random(in: 1...frames, using: &rng)
        return FrameDetection(
          video: "v", frame: frame, label: "a", score: levels.randomElement(using: &rng)!, box: box())
      }
    }

    /// Detection indices grouped in runs of equal scores, highest score first.
    var runs: [[Int]] {
      let scores = Set(detections.map(\.score)).sorted(by: >)
      return scores.map { s in detections.indices.filter { detections[$0].score == s } }
    }

    /// True when no run holds two detections of one frame that can both match a box (then the
    /// lowest AP is reachable too: false positives can go first).
    var hasNoCompetition: Bool {
      runs.allSatisfy { run in
        let matching = run.filter { d in
          groundTruth.videos["v"]!.tubes.contains { tube in
            tube.frames[0] == detections[d].frame && actIoU(tube.boxes[0], detections[d].box) >= 0.5
          }
        }
        return Set(matching.map { detections[$0].frame }).count == matching.count
      }
    }

    /// ACT's +1-pixel IoU.
    func actIoU(_ a: Box, _ b: Box) -> Double {
      let w = max(0, Double(min(a.x2, b.x2) + 1 - max(a.x1, b.x1)))
      let h = max(0, Double(min(a.y2, b.y2) + 1 - max(a.y1, b.y1)))
      let area = { (b: Box) in Double((b.x2 - b.x1 + 1) * (b.y2 - b.y1 + 1)) }
      return w * h / (area(a) + area(b) - w * h)
    }

    /// Every order of the tied scores (permutations within each run), as detection indices.
    var orders: [[Int]] {
      runs.reduce([[]]) { prefixes, run in
        let permutations = Self.permutations(run)
        return prefixes.flatMap { prefix in permutations.map { prefix + $0 } }
      }
    }

    static func permutations(_ items: [Int]) -> [[Int]] {
      guard items.count > 1 else { return [items] }
      return items.indices.flatMap { i in
        var rest = items
        let head = rest.remove(at: i)
        return permutations(rest).map { [head] + $0 }
      }
    }

    /// The act report of `order` (scores made distinct in that order, so nothing is tied).
    func report(of order: [Int]) -> FrameMAPReport {
      let ranked = order.enumerated().map { rank, d in
        var detection = detections[d]
        detection.score = Float(order.count - rank)
        return detection
      }
      return FrameMAPEvaluator(groundTruth: groundTruth, videos: ["v"], detections: ranked)
        .evaluate(protocol: .act, tieInterval: false)
    }
  }

  @Test func intervalContainsEveryOrder() throws {
    var rng = SplitMix64(seed: 15)
    var exactCases = 0
    var boundCases = 0
    var checked = 0
    while checked < 300 {
      let c = Case(&rng)
      let orders = c.orders
      guard orders.count > 1 && orders.count <= 720 else { continue }
      checked += 1
      let evaluator = FrameMAPEvaluator(groundTruth: c.groundTruth, videos: ["v"], detections: c.detections)
      let report = evaluator.evaluate(protocol: .act)
      let interval = try #require(report.tieInterval)
      let low = try #require(report.classes[0].apLowest)
      let high = try #require(report.classes[0].apHighest)
      let positives = Float(report.classes[0].groundTruthBoxes)
      let boundaries = c.runs.reduce(into: [0]) { $0.append($0.last! + $1.count) }.dropFirst()
      var aps: [Double] = []
      var countsAtBoundaries = Set<[Int]>()
      for order in orders {
        let r = c.report(of: order)
        aps.append(r.mAP)
        countsAtBoundaries.insert(boundaries.map { Int((r.classes[0].recall[$0] * positives).rounded()) })
      }
      let lowest = aps.min()!
      let highest = aps.max()!
      #expect(
        interval.contains(lowest) && interval.contains(highest), "case \(checked): \(aps) vs \(interval)")
      #expect(low <= lowest + 1e-9 && highest <= high + 1e-9)
      // Exact means: no order changes how many true positives any prefix of runs holds.
      #expect(interval.isExact == (countsAtBoundaries.count == 1), "case \(checked)")
      if interval.isExact {
        exactCases += 1
        #expect(abs(interval.highestMAP - highest) < 1e-9, "case \(checked): highest not reached")
        if c.hasNoCompetition {
          #expect(abs(interval.lowestMAP - lowest) < 1e-9, "case \(checked): lowest not reached")
        }
      } else {
        boundCases += 1
      }
      // The matching bounds (no enumeration) are looser but still contain every order.
      let bounds = evaluator.actTieBounds(0.5, workLimit: 0)
      let matchingHigh = evaluator.evaluateLabels(.act, .stable, 0.5) { (bounds[$0].upperFlags, true) }[0]
        .value
      let matchingLow = evaluator.evaluateLabels(.act, .stable, 0.5) { (bounds[$0].lowerFlags, false) }[0]
        .value
      #expect(matchingLow <= lowest + 1e-9 && highest <= matchingHigh + 1e-9, "case \(checked)")
      #expect(matchingLow <= low + 1e-9 && high <= matchingHigh + 1e-9, "case \(checked)")
    }
    #expect(exactCases >= 50 && boundCases >= 20, "exact \(exactCases), bound \(boundCases)")
  }
}
