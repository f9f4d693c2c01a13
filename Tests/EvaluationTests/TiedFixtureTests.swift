import Datasets
import Foundation
import Primitives
import Testing

@testable import Evaluation

/// Detector-shaped detections with heavy score ties (every box scored for every label, 3-decimal
/// tubelet scores, duplicates, integer and 1/16-pixel boxes), scored by the unmodified reference
/// code: MOC-Detector `frameAP` (`act`), mmaction2 MultiSports `frameAP` (`voc`) and PySlowFast's
/// TF-OD-API evaluator (`tfod`), under numpy 1.24 and under numpy 2.4 with each sort kernel
/// (x86-simd-sort AVX-512, AVX2, none);
/// `tools/make_tied_framemap_fixtures.py`. YOWO's Padilla code (`yowo`):
/// `tools/make_tied_yowo_expected.py`.
///
/// Tolerance: 1e-9 AP points.
@Suite struct TiedFixtureTests {
  static let datasets = ["jhmdb", "ucf"]
  static let referenced: [FrameAPProtocol] = [.act, .voc, .tfod]
  /// numpy sort flavours whose order `numpy-legacy` reproduces.
  static let legacyFlavours = ["np124", "np2-baseline"]
  /// Every flavour recorded.
  static let flavours = legacyFlavours + ["np2-avx512", "np2-avx2"]

  static func evaluator(_ dataset: String) throws -> FrameMAPEvaluator {
    let (gt, videos) = try FixtureData.subset("tied_\(dataset)")
    let detections = try FixtureData.tiedDetections("tied_\(dataset)", videos: videos, labels: gt.labels)
    return FrameMAPEvaluator(groundTruth: gt, videos: videos, detections: detections)
  }

  static func expected(_ flavour: String, _ dataset: String, _ p: FrameAPProtocol) throws -> [String: Any] {
    let root = try #require(try FixtureFiles.json("tied_framemap_expected_\(flavour).json") as? [String: Any])
    let entry = try #require((root["datasets"] as? [String: Any])?[dataset] as? [String: Any])
    return try #require(entry[p.rawValue] as? [String: Any])
  }

  /// numpy 1.24, and numpy 2.4 without its SIMD sort, order ties as `numpy-legacy` does.
  @Test(arguments: datasets, legacyFlavours)
  func numpyLegacyMatchesTheReferences(dataset: String, flavour: String) throws {
    let evaluator = try Self.evaluator(dataset)
    for p in Self.referenced {
      let want = try Self.expected(flavour, dataset, p)
      let report = evaluator.evaluate(protocol: p, ties: .numpyLegacy, tieInterval: false)
      let mAP = try #require(want["mAP"] as? Double)
      #expect(abs(report.mAP - mAP) < 1e-9, "\(dataset) \(p) mAP \(report.mAP) vs \(mAP)")
      let classes = try #require(want["classes"] as? [[String: Any]])
      #expect(classes.count == report.classes.count)
      for (w, got) in zip(classes, report.classes) {
        #expect(w["label"] as? String == got.label)
        #expect(w["tp"] as? Int == got.truePositives, "\(dataset) \(p) \(got.label) tp")
        #expect(w["fp"] as? Int == got.falsePositives, "\(dataset) \(p) \(got.label) fp")
        let ap = try #require(w["ap"] as? Double)
        #expect(abs(ap - (got.ap ?? .nan)) < 1e-9, "\(dataset) \(p) \(got.label) AP")
      }
    }
  }

  /// YOWO's Padilla code (`tools/make_tied_yowo_expected.py`) ranks with Python's stable `sorted`,
  /// so equal scores keep input order and `yowo` reproduces it under either tie rule; its result is
  /// the same under numpy 1.24 and 2.4.
  @Test(arguments: datasets, TieRule.allCases)
  func yowoMatchesPadilla(dataset: String, ties: TieRule) throws {
    let evaluator = try Self.evaluator(dataset)
    let root = try #require(try FixtureFiles.json("tied_framemap_expected_yowo.json") as? [String: Any])
    let entry = try #require((root["datasets"] as? [String: Any])?[dataset] as? [String: Any])
    let want = try #require(entry["yowo"] as? [String: Any])
    let report = evaluator.evaluate(protocol: .yowo, ties: ties)
    let mAP = try #require(want["mAP"] as? Double)
    #expect(abs(report.mAP - mAP) < 1e-9, "\(dataset) yowo \(ties) mAP \(report.mAP) vs \(mAP)")
    let interval = try #require(report.tieInterval)
    #expect(interval.contains(mAP), "\(interval)")
    let classes = try #require(want["classes"] as? [[String: Any]])
    #expect(classes.count == report.classes.count)
    for (w, got) in zip(classes, report.classes) {
      #expect(w["label"] as? String == got.label)
      #expect(w["tp"] as? Int == got.truePositives, "\(dataset) yowo \(got.label) tp")
      #expect(w["fp"] as? Int == got.falsePositives, "\(dataset) yowo \(got.label) fp")
      let ap = try #require(w["ap"] as? Double)
      let ours = got.ap ?? .nan
      #expect(abs(ap - ours) < 1e-9, "\(dataset) yowo \(ties) \(got.label) AP \(ours) vs \(ap)")
    }
  }

  /// The stable rule finds the same true and false positives as both references where the count
  /// does not depend on the order of ties (`voc`, `tfod`), and every result lies in the interval.
  @Test(arguments: datasets)
  func tieIntervalContainsEveryReferenceResult(dataset: String) throws {
    let evaluator = try Self.evaluator(dataset)
    for p in Self.referenced {
      for ties in TieRule.allCases {
        let report = evaluator.evaluate(protocol: p, ties: ties)
        let interval = try #require(report.tieInterval)
        #expect(interval.contains(report.mAP))
        // act too: the fixtures' tied detections on frames with several boxes are duplicates that
        // can only take one box, so no count depends on the order of ties.
        #expect(interval.isExact, "\(dataset) \(p) \(ties)")
        for flavour in Self.flavours {
          let want = try Self.expected(flavour, dataset, p)
          let mAP = try #require(want["mAP"] as? Double)
          #expect(interval.contains(mAP), "\(dataset) \(p) \(ties) \(flavour): \(mAP) outside \(interval)")
          let classes = try #require(want["classes"] as? [[String: Any]])
          for (w, got) in zip(classes, report.classes) {
            let ap = try #require(w["ap"] as? Double)
            let low = try #require(got.apLowest)
            let high = try #require(got.apHighest)
            #expect(ap >= low - 1e-9 && ap <= high + 1e-9, "\(dataset) \(p) \(ties) \(flavour) \(got.label)")
            if p != .act {
              #expect(w["tp"] as? Int == got.truePositives, "\(dataset) \(p) \(ties) \(got.label) tp")
            }
          }
        }
      }
    }
  }

  /// numpy 2's SIMD orders are not ours, and differ between its AVX-512 and AVX2 kernels: the
  /// interval is what bounds them.
  @Test func simdSortKernelsDisagreeOnTies() throws {
    for p in Self.referenced {
      let old = try #require(try Self.expected("np124", "jhmdb", p)["mAP"] as? Double)
      let avx512 = try #require(try Self.expected("np2-avx512", "jhmdb", p)["mAP"] as? Double)
      let avx2 = try #require(try Self.expected("np2-avx2", "jhmdb", p)["mAP"] as? Double)
      #expect(abs(old - avx512) > 1e-3 && abs(old - avx2) > 1e-3 && abs(avx512 - avx2) > 1e-3, "\(p)")
    }
  }

  /// One box, two detections with equal scores, one true and one false positive: VOC AP is 100 with
  /// the true positive first and 50 with it second.
  @Test func intervalOfOneTiedPair() throws {
    let box = Box(x1: 10, y1: 10, x2: 50, y2: 50)
    let gt = GroundTruth(
      labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
      videos: [
        "v": VideoAnnotation(
          frameCount: 2, height: 240, width: 320,
          tubes: [GroundTruthTube(label: 0, frames: [1], boxes: [box])])
      ])
    let far = Box(x1: 200, y1: 200, x2: 230, y2: 230)
    let detections = [
      FrameDetection(video: "v", frame: 1, label: "a", score: 0.5, box: far),
      FrameDetection(video: "v", frame: 1, label: "a", score: 0.5, box: box),
    ]
    let evaluator = FrameMAPEvaluator(groundTruth: gt, videos: ["v"], detections: detections)
    for p in [FrameAPProtocol.voc, .tfod, .yowo] {
      let interval = try #require(evaluator.evaluate(protocol: p).tieInterval)
      #expect(abs(interval.lowestMAP - 50) < 1e-9, "\(p)")
      #expect(abs(interval.highestMAP - 100) < 1e-9, "\(p)")
    }
    // act: TP first: (0→1) at P 1 → 100; TP second: P (1, 0, 0.5) → (0.5 + 0) / 2 = 25.
    let act = try #require(evaluator.evaluate(protocol: .act).tieInterval)
    #expect(abs(act.lowestMAP - 25) < 1e-5)
    #expect(abs(act.highestMAP - 100) < 1e-5)
  }
}

/// mmaction2 holds detections as float64, so the `voc` detection area is a float64 product.
@Suite struct VOCAreaPrecisionTests {
  /// IoU exactly 0.5 in float64; a float32 area (16785922 instead of 16785921.50390625) would
  /// give 0.49999999 and a false positive (checked with mmaction2's `iou2d_voc`).
  @Test func detectionAreaIsFloat64() throws {
    let gtBox = Box(x1: 0, y1: 0, x2: 8194.125, y2: 4097.0625)
    let gt = GroundTruth(
      labels: ["a"], trainVideos: [[]], testVideos: [["v"]],
      videos: [
        "v": VideoAnnotation(
          frameCount: 1, height: 240, width: 320,
          tubes: [GroundTruthTube(label: 0, frames: [1], boxes: [gtBox])])
      ])
    let detection = FrameDetection(
      video: "v", frame: 1, label: "a", score: 1, box: Box(x1: 0, y1: 0, x2: 4097.0625, y2: 4097.0625))
    let evaluator = FrameMAPEvaluator(groundTruth: gt, videos: ["v"], detections: [detection])
    #expect(evaluator.evaluate(protocol: .voc).classes[0].truePositives == 1)
    #expect(evaluator.evaluate(protocol: .tfod).classes[0].truePositives == 1)
  }
}
