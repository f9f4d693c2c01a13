import Datasets
import Foundation
import Primitives
import Testing

@testable import Evaluation

/// The `act` tie interval when a tied detection can fall back to a second-best box.
/// Tolerance: 1e-3 AP points for hand-computed values (float32 `act`).
@Suite struct ACTTieBoundsTests {
  /// One frame with G1 = [0,0,9,9] and G2 = [1,0,10,9]; d1 = [-1,0,8,9] and d2 = [0,0,5,9], both
  /// scored 0.5. ACT's +1 IoUs: d1–G1 9/11 = 0.818, d1–G2 8/12 = 0.667, d2–G1 6/10 = 0.6,
  /// d2–G2 5/11 = 0.455. Positives: 2.
  static func fallbackCase(d2First: Bool) -> FrameMAPEvaluator {
    let g1 = Box(x1: 0, y1: 0, x2: 9, y2: 9)
    let g2 = Box(x1: 1, y1: 0, x2: 10, y2: 9)
    let gt = GroundTruth(
      labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
      videos: [
        "v": VideoAnnotation(
          frameCount: 1, height: 240, width: 320,
          tubes: [
            GroundTruthTube(label: 0, frames: [1], boxes: [g1]),
            GroundTruthTube(label: 0, frames: [1], boxes: [g2]),
          ])
      ])
    let d1 = FrameDetection(
      video: "v", frame: 1, label: "a", score: 0.5, box: Box(x1: -1, y1: 0, x2: 8, y2: 9))
    let d2 = FrameDetection(
      video: "v", frame: 1, label: "a", score: 0.5, box: Box(x1: 0, y1: 0, x2: 5, y2: 9))
    return FrameMAPEvaluator(groundTruth: gt, videos: ["v"], detections: d2First ? [d2, d1] : [d1, d2])
  }

  /// Order d1, d2: d1 takes G1 (0.818 > 0.667), d2 sees only G2 (0.455): TP, FP → precision
  /// (1, 1, 0.5), recall (0, 0.5, 0.5) → AP 100 · 0.5 · (1 + 1) / 2 = 50. Order d2, d1: d2 takes
  /// G1 (0.6), d1 falls back to G2 (0.667): TP, TP → AP 100. The old estimate moved the stable
  /// order's single true positive first / last: 50 and (FP, TP: 0.5 · (0.5 + 0) / 2 =) 12.5, so
  /// [12.5, 50] missed 100. The bounds: after the run, 1 or 2 boxes are taken (U = 2, L = 1);
  /// upper TP, TP → 100, lower FP, TP → 12.5 (no order reaches it: the first detection always
  /// matches), and the interval is flagged as not exact.
  @Test func fallbackOrderIsInsideTheInterval() throws {
    let oneFirst = Self.fallbackCase(d2First: false).evaluate(protocol: .act)
    let twoFirst = Self.fallbackCase(d2First: true).evaluate(protocol: .act)
    #expect(abs(oneFirst.mAP - 50) < 1e-3)
    #expect(abs(twoFirst.mAP - 100) < 1e-3)
    for report in [oneFirst, twoFirst] {
      let interval = try #require(report.tieInterval)
      #expect(abs(interval.lowestMAP - 12.5) < 1e-3)
      #expect(abs(interval.highestMAP - 100) < 1e-3)
      #expect(!interval.isExact)
      #expect(report.classes[0].apTieIntervalExact == false)
      #expect(interval.contains(oneFirst.mAP) && interval.contains(twoFirst.mAP))
      #expect(interval.statement.contains("a bound over every order"))
    }
    // voc takes the best box whether taken or not, so the count never depends on the order.
    let voc = try #require(Self.fallbackCase(d2First: false).evaluate(protocol: .voc).tieInterval)
    #expect(voc.isExact)
  }

  /// The matching fallback (no enumeration allowed) also contains both orders: ν = 2, so
  /// U = 2 and L = ⌈2/2⌉ = 1, the same interval here.
  @Test func matchingBoundsContainBothOrders() {
    let evaluator = Self.fallbackCase(d2First: false)
    let bounds = evaluator.actTieBounds(0.5, workLimit: 0)
    let high = evaluator.evaluateLabels(.act, .stable, 0.5) { (bounds[$0].upperFlags, true) }[0].value
    let low = evaluator.evaluateLabels(.act, .stable, 0.5) { (bounds[$0].lowerFlags, false) }[0].value
    #expect(abs(high - 100) < 1e-3 && abs(low - 12.5) < 1e-3)
    #expect(!bounds[0].isExact)
  }

  /// Reports written before `exact` existed decode as exact; new ones round-trip the flag.
  @Test func exactFlagIsBackwardCompatible() throws {
    let old = Data(#"{"lowestMAP": 1.5, "highestMAP": 2.5}"#.utf8)
    let decoded = try JSONDecoder().decode(TieInterval.self, from: old)
    #expect(decoded == TieInterval(lowestMAP: 1.5, highestMAP: 2.5, isExact: true))
    let bound = TieInterval(lowestMAP: 1, highestMAP: 3, isExact: false)
    let json = try JSONEncoder().encode(bound)
    #expect(String(decoding: json, as: UTF8.self).contains(#""exact":false"#))
    #expect(try JSONDecoder().decode(TieInterval.self, from: json) == bound)
  }
}
