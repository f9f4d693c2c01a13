import Datasets
import Primitives
import Testing

@testable import Evaluation

/// Degenerate inputs never crash; each gets its documented behaviour and a warning.
@Suite struct DegenerateInputTests {
  typealias Case = HandComputedTests

  static let inputs: [FrameDetection] = [
    Case.det("v1", 1, "a", 0.9, [9, 9, 0, 0]),  // inverted
    Case.det("v1", 1, "a", 0.8, [0, 0, 0, 9]),  // zero width
    Case.det("v1", 2, "a", .nan, [0, 0, 9, 9]),  // NaN score: ignored
    Case.det("elsewhere", 1, "a", 0.9, [0, 0, 9, 9]),  // video outside the split: ignored
    Case.det("v1", 1, "zebra", 0.9, [0, 0, 9, 9]),  // unknown label: ignored
    Case.det("v1", 99, "a", 0.9, [0, 0, 9, 9]),  // frame past the end: FP
    Case.det("v1", 2, "a", 0.7, [0, 0, .infinity, 9]),  // non-finite box: FP
    Case.det("v2", 1, "c", 0.5, [0, 0, 9, 9]),  // label without GT
    Case.det("v1", 2, "a", -.infinity, [0, 0, 9, 9]),  // infinite score: ranked last, still a TP
  ]

  @Test(arguments: FrameAPProtocol.allCases)
  func everyProtocolCopes(frameProtocol: FrameAPProtocol) {
    let evaluator = FrameMAPEvaluator(
      groundTruth: Case.groundTruth(), videos: ["v1", "v2"], detections: Self.inputs)
    for ties in TieRule.allCases {
      let r = evaluator.evaluate(protocol: frameProtocol, ties: ties)
      #expect(r.mAP.isFinite)
      #expect(r.warnings.contains { $0.contains("NaN score") })
      #expect(r.warnings.contains { $0.contains("outside the split") })
      #expect(r.warnings.contains { $0.contains("not in the label list") })
      #expect(r.warnings.contains { $0.contains("inverted") })
      #expect(r.warnings.contains { $0.contains("zero width or height") })
      #expect(r.warnings.contains { $0.contains("label c") })
      let a = r.classes[0]
      switch frameProtocol {
      case .act, .voc:
        #expect(a.detections == 5 && a.truePositives == 1)
      case .tfod:
        // The inverted and zero-width boxes are dropped, not counted.
        #expect(a.detections == 3 && a.skippedDetections == 2 && a.truePositives == 1)
      case .yowo:
        // Frame 99 has no GT: not evaluated; the inverted box is a false positive.
        #expect(a.detections == 4 && a.skippedDetections == 1 && a.truePositives == 1)
      }
    }
  }

  /// Absurd frame numbers and counts cost nothing: only annotated frames are indexed.
  @Test func hugeFrameNumbersAllocateNothing() {
    let box = Box(x1: 0, y1: 0, x2: 9, y2: 9)
    let gt = GroundTruth(
      labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
      videos: [
        "v": VideoAnnotation(
          frameCount: Int.max, height: 1, width: 1,
          tubes: [GroundTruthTube(label: 0, frames: [2_000_000_000, -5, Int.max], boxes: [box, box, box])])
      ])
    let evaluator = FrameMAPEvaluator(
      groundTruth: gt, videos: ["v"],
      detections: [
        Case.det("v", 2_000_000_000, "a", 1, [0, 0, 9, 9]), Case.det("v", Int.min, "a", 1, [0, 0, 9, 9]),
      ])
    let r = evaluator.evaluate(protocol: .act)
    #expect(r.classes[0].groundTruthBoxes == 3 && r.classes[0].truePositives == 1)
    #expect(r.warnings.contains { $0.contains("frame number outside 1...2147483647") })
  }

  @Test func emptyInputs() {
    let empty = GroundTruth(labels: [], trainVideos: [], testVideos: [], videos: [:])
    let r = FrameMAPEvaluator(groundTruth: empty, videos: [], detections: []).evaluate(protocol: .act)
    #expect(r.mAP == 0 && r.classes.isEmpty)
    let noDets = FrameMAPEvaluator(
      groundTruth: Case.groundTruth(), videos: ["v1", "v2", "missing"], detections: [])
    #expect(noDets.warnings.contains { $0.contains("no ground truth entry") })
    for p in FrameAPProtocol.allCases { #expect(noDets.evaluate(protocol: p).mAP == 0) }
  }
}
