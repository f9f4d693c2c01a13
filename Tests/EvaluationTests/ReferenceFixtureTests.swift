import Foundation
import Testing

@testable import Evaluation

/// Every protocol and tie rule against `tools/framemap_reference.py` on perturbed detections of
/// real ground truth: 42 JHMDB split-1 videos (one box per frame) and 8 UCF-101-24 videos with
/// several tubes (several boxes per frame, frames without boxes); `tools/make_framemap_fixtures.py`.
///
/// Tolerance: 1e-9 AP points, i.e. the same float32/float64 results up to JSON printing.
@Suite struct ReferenceFixtureTests {
  static let files = ["jhmdb_perturbed_a.csv", "jhmdb_perturbed_b.csv", "ucf_perturbed.csv"]

  @Test(arguments: files)
  func matchesPythonReference(file: String) throws {
    let root = try #require(try FixtureFiles.json("framemap_expected.json") as? [String: Any])
    let runs = try #require((root["files"] as? [String: Any])?[file] as? [String: Any])
    let (gt, videos) = try FixtureData.subset(file.hasPrefix("ucf") ? "ucf" : "jhmdb")
    let evaluator = FrameMAPEvaluator(
      groundTruth: gt, videos: videos, detections: try FixtureData.detections(file))
    // Unknown label, video outside the split, frame past the end, inverted, zero-area.
    #expect(evaluator.warnings.count == 5)
    for frameProtocol in FrameAPProtocol.allCases {
      for ties in TieRule.allCases {
        let key = "\(frameProtocol.rawValue)/\(ties.rawValue)"
        let expected = try #require(runs[key] as? [String: Any])
        let report = evaluator.evaluate(protocol: frameProtocol, ties: ties, iouThreshold: 0.5)
        let mAP = try #require(expected["mAP"] as? Double)
        #expect(abs(report.mAP - mAP) < 1e-9, "\(key) mAP")
        let classes = try #require(expected["classes"] as? [[String: Any]])
        #expect(classes.count == report.classes.count)
        for (want, got) in zip(classes, report.classes) {
          #expect(want["label"] as? String == got.label)
          #expect(want["npos"] as? Int == got.groundTruthBoxes, "\(key) \(got.label) npos")
          #expect(want["ndet"] as? Int == got.detections, "\(key) \(got.label) ndet")
          #expect(want["tp"] as? Int == got.truePositives, "\(key) \(got.label) tp")
          #expect(want["fp"] as? Int == got.falsePositives, "\(key) \(got.label) fp")
          let ap = want["ap"] as? Double
          #expect((ap == nil) == (got.ap == nil), "\(key) \(got.label) in mean")
          if let ap, let gotAP = got.ap {
            #expect(abs(ap - gotAP) < 1e-9, "\(key) \(got.label) AP \(gotAP) vs \(ap)")
          }
        }
      }
    }
  }

  @Test func tieRuleChangesTheResult() throws {
    let (gt, videos) = try FixtureData.jhmdbSubset()
    let evaluator = FrameMAPEvaluator(
      groundTruth: gt, videos: videos, detections: try FixtureData.detections("jhmdb_perturbed_b.csv"))
    let stable = evaluator.evaluate(protocol: .act, ties: .stable).mAP
    let legacy = evaluator.evaluate(protocol: .act, ties: .numpyLegacy).mAP
    #expect(abs(stable - legacy) > 0.1)
  }
}
