import Datasets
import Primitives
import Testing

@testable import Evaluation

/// Tiny cases whose AP is derived on paper (see the comments). Tolerance: 1e-3 AP points, which
/// covers float32 rounding of `act`.
@Suite struct HandComputedTests {
  /// Labels a, b, c. Video v1 (3 frames): label a has A = [0,0,9,9] on frames 1-2 and a second box
  /// B = [4,0,13,9] on frame 1; frame 3 has no ground truth. Video v2 (2 frames): label b on frame 1.
  /// Label c has no ground truth. Positives: a 3, b 1, c 0.
  static func groundTruth() -> GroundTruth {
    let a = Box(x1: 0, y1: 0, x2: 9, y2: 9)
    let b = Box(x1: 4, y1: 0, x2: 13, y2: 9)
    let v1 = VideoAnnotation(
      frameCount: 3, height: 240, width: 320,
      tubes: [
        GroundTruthTube(label: 0, frames: [1, 2], boxes: [a, a]),
        GroundTruthTube(label: 0, frames: [1], boxes: [b]),
      ])
    let v2 = VideoAnnotation(
      frameCount: 2, height: 240, width: 320, tubes: [GroundTruthTube(label: 1, frames: [1], boxes: [a])])
    return GroundTruth(
      labels: ["a", "b", "c"], trainVideos: [[]], testVideos: [["v1", "v2"]], videos: ["v1": v1, "v2": v2])
  }

  static func det(_ video: String, _ frame: Int, _ label: String, _ score: Float, _ box: [Float])
    -> FrameDetection
  {
    FrameDetection(
      video: video, frame: frame, label: label, score: score,
      box: Box(x1: box[0], y1: box[1], x2: box[2], y2: box[3]))
  }

  /// d1 exact on A (0.9); d2 a shifted duplicate [1,0,10,9] (0.8): +1 IoU 0.818 with A and 0.538
  /// with B, no-+1 IoU 0.8 with A and 0.5 with B; d3 on frame 3 without GT (0.7); d4 exact on A in
  /// frame 2 (0.7, tied with d3 but earlier in canonical order); d5 label c (no GT).
  static func detections() -> [FrameDetection] {
    [
      det("v1", 3, "a", 0.7, [0, 0, 9, 9]),
      det("v1", 1, "a", 0.9, [0, 0, 9, 9]),
      det("v1", 1, "a", 0.8, [1, 0, 10, 9]),
      det("v1", 2, "a", 0.7, [0, 0, 9, 9]),
      det("v2", 1, "c", 0.5, [0, 0, 9, 9]),
    ]
  }

  func report(_ p: FrameAPProtocol, _ ties: TieRule = .stable) -> FrameMAPReport {
    FrameMAPEvaluator(groundTruth: Self.groundTruth(), videos: ["v1", "v2"], detections: Self.detections())
      .evaluate(protocol: p, ties: ties, iouThreshold: 0.5)
  }

  /// act: d1 TP (A), d2 TP on the remaining B (0.538), d4 TP, d3 FP. Precision stays 1 while recall
  /// climbs to 1, so AP(a) = 100; b and c get 0 and all three count: mAP = 100/3.
  @Test func act() {
    let r = report(.act)
    #expect(abs((r.classes[0].ap ?? -1) - 100) < 1e-3)
    #expect(r.classes[0].truePositives == 3 && r.classes[0].falsePositives == 1)
    #expect(r.classes[1].ap == 0 && r.classes[2].ap == 0)
    #expect(abs(r.mAP - 100.0 / 3) < 1e-3)
    #expect(r.classes[0].recall.first == 0 && r.classes[0].precision.first == 1)
    #expect(r.warnings.contains { $0.contains("label c") && $0.contains("kept in the mean") })
  }

  /// voc: d2's best box A is taken, so FP. Order TP FP TP FP: P = 1, .5, .667, .5 at
  /// R = 1/3, 1/3, 2/3, 2/3 → AP(a) = 1/3·1 + 1/3·2/3 = 5/9; b 0; c left out: mAP = 5/18.
  @Test func voc() {
    let r = report(.voc)
    #expect(abs((r.classes[0].ap ?? -1) - 500.0 / 9) < 1e-3)
    #expect(r.classes[0].truePositives == 2 && r.classes[0].falsePositives == 2)
    #expect(r.classes[2].ap == nil)
    #expect(abs(r.mAP - 500.0 / 18) < 1e-3)
  }

  /// tfod, stable: same matches as voc (frame 3 has no GT: FP) → 5/9. numpy-legacy reverses the
  /// ascending argsort, so of the tied 0.7 pair the later row d3 (FP) ranks first:
  /// P = 1, .5, .333, .5 at R = 1/3, 1/3, 1/3, 2/3 → AP(a) = 1/3 + 1/3·1/2 = 1/2.
  @Test func tfod() {
    let stable = report(.tfod, .stable)
    #expect(abs((stable.classes[0].ap ?? -1) - 500.0 / 9) < 1e-3)
    let legacy = report(.tfod, .numpyLegacy)
    #expect(abs((legacy.classes[0].ap ?? -1) - 50) < 1e-3)
    #expect(abs(legacy.mAP - 25) < 1e-3)
  }

  /// yowo: frame 3 of v1 has no GT of any label, so d3 is not evaluated; d1 TP, d2 FP (first strict
  /// maximum is A, taken), d4 TP → AP(a) = 5/9 over 3 detections.
  @Test func yowo() {
    let r = report(.yowo)
    #expect(abs((r.classes[0].ap ?? -1) - 500.0 / 9) < 1e-3)
    #expect(r.classes[0].detections == 3 && r.classes[0].skippedDetections == 1)
    #expect(abs(r.mAP - 500.0 / 18) < 1e-3)
  }

  /// One positive and two detections with equal scores: the TP first gives AP 100 under every
  /// protocol; the FP first gives act 25 (trapezoid from (0, 1) through (0, 0) to (1, .5)) and 50
  /// under VOC all-point. The stable rule keeps input (canonical) order.
  @Test(arguments: [true, false])
  func tiesFollowInputOrder(truePositiveFirst: Bool) {
    let gt = GroundTruth(
      labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
      videos: [
        "v": VideoAnnotation(
          frameCount: 2, height: 10, width: 10,
          tubes: [GroundTruthTube(label: 0, frames: [1], boxes: [Box(x1: 0, y1: 0, x2: 9, y2: 9)])])
      ])
    let hit = Self.det("v", 1, "a", 0.5, [0, 0, 9, 9])
    let miss = Self.det("v", 1, "a", 0.5, [50, 50, 59, 59])
    let evaluator = FrameMAPEvaluator(
      groundTruth: gt, videos: ["v"], detections: truePositiveFirst ? [hit, miss] : [miss, hit])
    let act = evaluator.evaluate(protocol: .act, ties: .stable).mAP
    let voc = evaluator.evaluate(protocol: .voc, ties: .stable).mAP
    #expect(abs(act - (truePositiveFirst ? 100 : 25)) < 1e-3)
    #expect(abs(voc - (truePositiveFirst ? 100 : 50)) < 1e-3)
  }

  /// IoU exactly at the threshold counts: +1 IoU of [0,0,9,4] with [0,0,9,9] is 50/100, no-+1 IoU
  /// of [0,0,10,5] with [0,0,10,10] is 50/100.
  @Test func thresholdIsInclusive() {
    for (p, gtBox, detBox) in [
      (FrameAPProtocol.act, [Float(0), 0, 9, 9], [Float(0), 0, 9, 4]),
      (.yowo, [0, 0, 9, 9], [0, 0, 9, 4]),
      (.voc, [0, 0, 10, 10], [0, 0, 10, 5]),
      (.tfod, [0, 0, 10, 10], [0, 0, 10, 5]),
    ] {
      let gt = GroundTruth(
        labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
        videos: [
          "v": VideoAnnotation(
            frameCount: 1, height: 10, width: 10,
            tubes: [
              GroundTruthTube(
                label: 0, frames: [1], boxes: [Box(x1: gtBox[0], y1: gtBox[1], x2: gtBox[2], y2: gtBox[3])])
            ])
        ])
      let evaluator = FrameMAPEvaluator(
        groundTruth: gt, videos: ["v"], detections: [Self.det("v", 1, "a", 1, detBox)])
      #expect(evaluator.evaluate(protocol: p, iouThreshold: 0.5).classes[0].truePositives == 1, "\(p)")
      #expect(evaluator.evaluate(protocol: p, iouThreshold: 0.5001).classes[0].truePositives == 0, "\(p)")
    }
  }
}
