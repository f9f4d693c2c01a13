import Datasets
import Foundation
import Testing

@testable import Evaluation

/// Real JHMDB ground truth (`annotations/jhmdb/JHMDB-GT.pkl`, read by `Datasets`).
@Suite struct RealGroundTruthTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func jhmdb() throws -> GroundTruth {
    try DatasetLayout(.jhmdb, root: repository.appendingPathComponent("annotations").path).loadGroundTruth()
  }

  /// Every GT box as a detection (all scores equal) gives 100.00 on every split, protocol and tie
  /// rule. Tolerance 5e-3 AP points (act's float32 trapezoid sums to 1 - O(1e-7)).
  @Test func perfectDetectionsScore100() throws {
    let gt = try Self.jhmdb()
    #expect(gt.testVideos.count == 3)
    for (split, videos) in gt.testVideos.enumerated() {
      var detections: [FrameDetection] = []
      for video in videos {
        for tube in gt.videos[video]?.tubes ?? [] {
          for (frame, box) in zip(tube.frames, tube.boxes) {
            detections.append(
              FrameDetection(video: video, frame: frame, label: gt.labels[tube.label], score: 1, box: box))
          }
        }
      }
      let evaluator = FrameMAPEvaluator(groundTruth: gt, videos: videos, detections: detections)
      #expect(evaluator.warnings.isEmpty)
      for frameProtocol in FrameAPProtocol.allCases {
        for ties in TieRule.allCases {
          let report = evaluator.evaluate(protocol: frameProtocol, ties: ties)
          #expect(abs(report.mAP - 100) < 5e-3, "split \(split + 1) \(frameProtocol) \(ties)")
          #expect(String(format: "%.2f", report.mAP) == "100.00")
          #expect(report.falsePositives == 0 && report.truePositives == detections.count)
        }
      }
    }
  }

  /// The fixture subset (`jhmdb_subset_gt.csv`) is exactly the pickle's boxes for those videos.
  @Test func fixtureSubsetMatchesPickle() throws {
    let gt = try Self.jhmdb()
    let (subset, videos) = try FixtureData.jhmdbSubset()
    #expect(videos.count == 42)
    #expect(subset.labels == gt.labels)
    for video in videos {
      let a = try #require(gt.videos[video])
      let b = try #require(subset.videos[video])
      #expect(a.frameCount == b.frameCount)
      #expect(a.tubes == b.tubes, "\(video)")
    }
  }
}
