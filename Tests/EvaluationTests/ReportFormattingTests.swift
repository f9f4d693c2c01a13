import Foundation
import Testing

@testable import Evaluation

/// The text table, the all-splits summary and the JSON encoding.
@Suite struct ReportFormattingTests {
  func report() -> FrameMAPReport {
    FrameMAPEvaluator(
      groundTruth: HandComputedTests.groundTruth(), videos: ["v1", "v2"],
      detections: HandComputedTests.detections()
    ).evaluate(protocol: .voc)
  }

  @Test func tableStatesProtocolTiesAndCounts() {
    let text = report().table(title: "demo")
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[0] == "demo")
    #expect(lines[1].hasPrefix("protocol: voc — MultiSports/mmaction2"))
    #expect(lines[2].hasPrefix("ties: stable"))
    let header = lines.first { $0.hasPrefix("label") }
    #expect(header == "label     AP  GT boxes  detections  TP  FP")
    #expect(lines.contains("a      55.56         3           4   2   2"))
    #expect(lines.contains("c          -         0           0   0   0"))
    #expect(lines.contains("mAP    27.78         4           4   2   2"))
    #expect(text.contains("left out of the mean"))
  }

  @Test func splitMeanIsTheMeanOfSplitMAPs() {
    var a = report()
    var b = report()
    a.mAP = 60
    b.mAP = 70
    a.tieInterval = TieInterval(lowestMAP: 59, highestMAP: 61)
    b.tieInterval = TieInterval(lowestMAP: 69, highestMAP: 71)
    let mean = SplitMeanReport(splits: [a, b, a])
    #expect(abs(mean.meanMAP - 190.0 / 3) < 1e-12)
    #expect(abs((mean.meanTieInterval?.lowestMAP ?? 0) - 187.0 / 3) < 1e-12)
    #expect(abs((mean.meanTieInterval?.highestMAP ?? 0) - 193.0 / 3) < 1e-12)
    #expect(mean.table().contains("tie interval: mAP 62.33 to 64.33 (width 2.0000)"))
    #expect(mean.table().contains("mAP     60.00   70.00   60.00  63.33"))
    #expect(mean.table().contains("c           -       -       -      -"))
  }

  @Test func jsonRoundTripsAndThinsCurves() throws {
    var big = report()
    big.classes[0].recall = (0..<1000).map { Float($0) / 999 }
    big.classes[0].precision = [Float](repeating: 0.5, count: 1000)
    let data = try FrameMAPJSON.encode(big, curvePoints: 50)
    let decoded = try JSONDecoder().decode(FrameMAPReport.self, from: data)
    #expect(decoded.classes[0].recall.count == 50)
    #expect(decoded.classes[0].recall.first == 0 && decoded.classes[0].recall.last == 1)
    #expect(decoded.classes[2].ap == nil)
    #expect(decoded.mAP == big.mAP && decoded.frameProtocol == .voc && decoded.ties == .stable)
    #expect(decoded.tieInterval != nil && decoded.tieInterval == big.tieInterval)
    #expect(decoded.classes[0].apLowest == big.classes[0].apLowest)
  }

  @Test func precisionRecallCurvesForPlots() {
    let curves = FrameMAPEvaluator(
      groundTruth: HandComputedTests.groundTruth(), videos: ["v1", "v2"],
      detections: HandComputedTests.detections()
    ).evaluate(protocol: .act).precisionRecallCurves(maxPoints: 3)
    #expect(curves.map(\.label) == ["a", "b", "c"])
    #expect(curves[0].legend == "a (AP 100.00)")
    // act's curve for a: anchor (0, 1), then four detections → thinned to 3 points, ends kept.
    #expect(curves[0].recall.count == 3 && curves[0].recall.first == 0 && curves[0].recall.last == 1)
    #expect(curves[0].precision.last == 0.75)
    let voc = FrameMAPEvaluator(
      groundTruth: HandComputedTests.groundTruth(), videos: ["v1", "v2"],
      detections: HandComputedTests.detections()
    ).evaluate(protocol: .voc).precisionRecallCurves()
    #expect(voc[2].legend == "c (no GT)")
  }
}
