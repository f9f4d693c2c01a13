import Datasets
import Evaluation
import Foundation
import Primitives
import Testing

/// Video-AP and tube linking against MOC-Detector's unmodified `BuildTubes` + `videoAP`
/// (`tools/make_videomap_fixtures.py`), and hand-computed cases.
struct VideoAPTests {
  /// A tube of `count` frames from `first`, every box `box`.
  func tube(_ first: Int, _ count: Int, _ box: Box, label: Int = 0, score: Float = 1) -> Tube {
    Tube(label: label, score: score, firstFrame: first, boxes: Array(repeating: box, count: count))
  }

  @Test func spatioTemporalIoUOfPartlyOverlappingTubes() {
    // Frames 1-10 and 6-15: temporal IoU 5/15. Boxes (+1 convention) 10x10 at 0 and 10x10 shifted
    // by 5 in x: overlap 5*10 = 50, union 150, spatial IoU 1/3 on each shared frame.
    let a = tube(1, 10, Box(x1: 0, y1: 0, x2: 9, y2: 9))
    let b = tube(6, 10, Box(x1: 5, y1: 0, x2: 14, y2: 9))
    let expected = Double(Float(50) / Float(150)) * (5.0 / 15.0)
    #expect(abs(a.spatioTemporalIoU(with: b) - expected) < 1e-12)
    #expect(a.spatioTemporalIoU(with: b) == b.spatioTemporalIoU(with: a))
    #expect(a.spatioTemporalIoU(with: a) == 1)
    #expect(a.spatioTemporalIoU(with: tube(11, 5, Box(x1: 0, y1: 0, x2: 9, y2: 9))) == 0)
  }

  @Test func perfectTubesGiveAP100() throws {
    let (gt, videos) = try FixtureData.jhmdbSubset()
    var tubes: [String: [Tube]] = [:]
    for video in videos {
      tubes[video] = gt.videos[video]?.tubes.compactMap { Tube(groundTruth: $0) }
    }
    let report = try VideoAPEvaluator(groundTruth: gt, videos: videos, tubes: tubes)
      .evaluate(thresholds: VideoMAPReport.standardThresholds)
    for result in report.results {
      #expect(result.mAP == 100)
    }
    #expect(report.meanOverCOCOThresholds == 100)
  }

  @Test func oneFalsePositiveAheadHalvesPrecision() throws {
    // One GT tube; a wrong tube ranked first, the right one second: points (P 0, R 0), (P 1/2, R 1);
    // trapezoid from the anchor (P 1, R 0): 0.5 * (1/2 + 0) * 1 = 0.25.
    let box = Box(x1: 10, y1: 10, x2: 49, y2: 49)
    let gt = GroundTruth(
      labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
      videos: [
        "v": VideoAnnotation(
          frameCount: 20, height: 240, width: 320,
          tubes: [GroundTruthTube(label: 0, frames: Array(1...20), boxes: Array(repeating: box, count: 20))])
      ])
    let wrong = tube(1, 20, Box(x1: 200, y1: 100, x2: 239, y2: 139), score: 0.9)
    let right = tube(1, 20, box, score: 0.8)
    let result = try VideoAPEvaluator(groundTruth: gt, videos: ["v"], tubes: ["v": [wrong, right]])
      .evaluate(threshold: 0.5)
    #expect(result.classes[0].ap == 25)
    #expect(result.classes[0].truePositives == 1)
  }

  @Test func linkingAndVideoAPMatchMOCDetector() throws {
    let expected = try #require(FixtureFiles.json("videomap_expected.json") as? [String: Any])
    let (gt, videos) = try FixtureData.jhmdbSubset()
    let detections = try FixtureData.detections("videomap_jhmdb_dets.csv")
    let tubes = TubeLinking.act.tubes(linking: detections, videos: videos, groundTruth: gt)

    let referenceTubes = try #require(expected["tubes"] as? [[String: Any]])
    var mine: [(String, String, Float, Int, Int)] = []
    for video in videos {
      for t in tubes[video] ?? [] {
        mine.append((video, gt.labels[t.label], t.score, t.firstFrame, t.boxes.count))
      }
    }
    #expect(mine.count == referenceTubes.count)
    for (m, r) in zip(mine, referenceTubes) {
      #expect(m.0 == r["video"] as? String && m.1 == r["label"] as? String)
      // Scores are float32; Foundation's JSON reader may be an ulp off in float64, not in float32.
      #expect(m.2 == (r["score"] as? Double).map { Float($0) })
      #expect(m.3 == r["firstFrame"] as? Int && m.4 == r["length"] as? Int)
    }

    let evaluator = try VideoAPEvaluator(groundTruth: gt, videos: videos, tubes: tubes)
    let thresholds = try #require(expected["thresholds"] as? [[String: Any]])
    var results: [VideoAPResult] = []
    // The reference's thresholds, computed as it computes them (JSON text may round differently).
    let values = [0.2, 0.5, 0.75] + (0..<10).map { 0.5 + 0.05 * Double($0) }
    #expect(values.count == thresholds.count)
    for (threshold, entry) in zip(values, thresholds) {
      #expect(abs(threshold - (try #require(entry["iou"] as? Double))) < 1e-12)
      let result = evaluator.evaluate(threshold: threshold)
      results.append(result)
      let mAP = try #require(entry["mAP"] as? Double)
      #expect(abs(result.mAP - mAP) < 1e-9, "mAP at \(threshold)")
      let aps = try #require(entry["ap"] as? [String: Double])
      for c in result.classes {
        let ap = try #require(aps[c.label])
        #expect(abs(c.ap - ap) < 1e-9, "\(c.label) at \(threshold)")
      }
    }
    let mean = try #require(VideoMAPReport(results: Array(results.dropFirst(3))).meanOverCOCOThresholds)
    #expect(abs(mean - (try #require(expected["mAP_050_095"] as? Double))) < 1e-9)
  }
}
