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

  /// UCF-101-24 split 1 (`pyannot.pkl`: several tubes per frame, frames without GT). Perfect
  /// detections give 100.00 under `act`. The file holds boxes that repeat an earlier box of the same
  /// label in the same frame exactly (duplicate annotations); under the VOC duplicate rule
  /// (`voc`, `tfod`, `yowo`) each such repeat makes exactly one detection a false positive, and
  /// nothing else is lost.
  @Test func perfectDetectionsScore100OnUCF() throws {
    let layout = DatasetLayout(.ucf24, root: Self.repository.appendingPathComponent("annotations").path)
    let gt = try layout.loadGroundTruth()
    let videos = gt.testVideos[0]
    #expect(videos.count == 910)
    var detections: [FrameDetection] = []
    var repeats = 0
    for video in videos {
      var seen = Set<String>()
      for tube in gt.videos[video]?.tubes ?? [] {
        for (frame, box) in zip(tube.frames, tube.boxes) {
          detections.append(
            FrameDetection(video: video, frame: frame, label: gt.labels[tube.label], score: 0.5, box: box))
          if !seen.insert("\(frame) \(tube.label) \(box)").inserted { repeats += 1 }
        }
      }
    }
    #expect(detections.count == 170_580)
    #expect(repeats > 0)
    let evaluator = FrameMAPEvaluator(groundTruth: gt, videos: videos, detections: detections)
    let act = evaluator.evaluate(protocol: .act, ties: .numpyLegacy)
    #expect(String(format: "%.2f", act.mAP) == "100.00")
    #expect(act.truePositives == 170_580 && act.falsePositives == 0)
    for frameProtocol in [FrameAPProtocol.voc, .tfod, .yowo] {
      let report = evaluator.evaluate(protocol: frameProtocol, ties: .numpyLegacy)
      #expect(report.falsePositives == repeats, "\(frameProtocol)")
      #expect(report.truePositives == 170_580 - repeats, "\(frameProtocol)")
      #expect(report.mAP > 99.5 && report.mAP < 100, "\(frameProtocol)")
    }
  }

  /// The UCF fixture subset (`ucf_subset_gt.csv`) is exactly what `Datasets` reads from pyannot.pkl.
  @Test func ucfFixtureSubsetMatchesPyannot() throws {
    let gt = try DatasetLayout(.ucf24, root: Self.repository.appendingPathComponent("annotations").path)
      .loadGroundTruth()
    let (subset, videos) = try FixtureData.subset("ucf")
    #expect(videos.count == 8)
    #expect(subset.labels == gt.labels)
    for video in videos {
      let a = try #require(gt.videos[video])
      let b = try #require(subset.videos[video])
      #expect(a.frameCount == b.frameCount)
      #expect(a.tubes == b.tubes, "\(video)")
      #expect(b.tubes.count >= 2)
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
