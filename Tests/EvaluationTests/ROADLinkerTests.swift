import Datasets
import Foundation
import Primitives
import Testing

@testable import Evaluation

/// ROAD's stand-alone functions (`dpEM_max`, `nms`, `compute_spatio_temporal_iou`) on hand-made
/// cases run through the reference (`tools/make_road_linking_fixture.sh`), and hand-computed cases.
struct ROADLinkerTests {
  static func primitives(_ key: String) throws -> [[String: Any]] {
    let json = try ROADVideoAPTests.cast(FixtureFiles.json("road_ucf_expected.json"), [String: Any].self)
    let all = try ROADVideoAPTests.cast(json["primitives"], [String: Any].self)
    return try ROADVideoAPTests.cast(all[key], [[String: Any]].self)
  }

  static func floats(_ value: Any?) throws -> [Float] {
    try ROADVideoAPTests.bits(value).map { Float(bitPattern: UInt32($0)) }
  }

  static func boxes(_ value: Any?) throws -> [Box] {
    let v = try floats(value)
    return stride(from: 0, to: v.count, by: 4).map {
      Box(x1: v[$0], y1: v[$0 + 1], x2: v[$0 + 2], y2: v[$0 + 3])
    }
  }

  /// Label ties (scores on a 1/4 grid, `alpha` a multiple of 1/4) resolve as MATLAB's `max` does.
  @Test func viterbiMatchesDpEMMax() throws {
    for entry in try Self.primitives("viterbi") {
      let labels = try ROADVideoAPTests.cast(entry["labels"], Int.self)
      let scores = try Self.floats(entry["scores"])
      let columns = stride(from: 0, to: scores.count, by: labels).map { Array(scores[$0..<($0 + labels)]) }
      let alpha = try ROADVideoAPTests.cast(entry["alpha"], Double.self)
      let expected = try ROADVideoAPTests.cast(entry["expected"], [Int].self)
      #expect(ROADTubeLinker.viterbi(columns, penalty: alpha) == expected, "alpha \(alpha)")
      #expect(Self.quadraticViterbi(columns, penalty: alpha) == expected, "alpha \(alpha)")
    }
  }

  /// `dpEM_max` as written (quadratic in the labels), to show the linear version gives the same.
  static func quadraticViterbi(_ columns: [[Float]], penalty alpha: Double) -> [Int] {
    let r = columns[0].count
    var d = [[Double]](repeating: [Double](repeating: 0, count: r), count: columns.count + 1)
    var phi = [[Int]](repeating: [Int](repeating: 0, count: r), count: columns.count)
    for j in 1...columns.count {
      for i in 0..<r {
        var tb = 0
        var dmax = -Double.infinity
        for k in 0..<r {
          let v = d[j - 1][k] - alpha * (k != i ? 1 : 0)
          if v > dmax {
            dmax = v
            tb = k
          }
        }
        d[j][i] = Double(columns[j - 1][i] + 20) + dmax
        phi[j - 1][i] = tb
      }
    }
    var label = 0
    for k in 0..<r where d[columns.count][k] > d[columns.count][label] { label = k }
    var out = [label]
    for j in stride(from: columns.count - 1, to: 0, by: -1) {
      label = phi[j][label]
      out.insert(label, at: 0)
    }
    return out
  }

  /// Of tied scores the later box is picked first.
  @Test func nmsMatchesROAD() throws {
    for entry in try Self.primitives("nms") {
      let picked = ROADTubeLinker.nms(
        try Self.boxes(entry["boxes"]), scores: try Self.floats(entry["scores"]), overlap: 0.45)
      #expect(picked == (try ROADVideoAPTests.cast(entry["expected"], [Int].self)))
    }
  }

  /// Full-mantissa boxes bit for bit; 0 for one shared frame; exactly 0.5 for a detection ROAD sees
  /// on the ground truth over half its frames.
  @Test func spatioTemporalIoUMatchesROAD() throws {
    for entry in try Self.primitives("stiou") {
      let gt = Tube(
        label: 0, score: 1, firstFrame: try ROADVideoAPTests.cast(entry["gtFirst"], Int.self),
        boxes: try Self.boxes(entry["gt"]))
      let detection = Tube(
        label: 0, score: 1, firstFrame: try ROADVideoAPTests.cast(entry["detectionFirst"], Int.self),
        boxes: try Self.boxes(entry["detection"]))
      let expected = try ROADVideoAPTests.bits([entry["expected"]])
      #expect([gt.roadSpatioTemporalIoU(detection: detection).bitPattern] == expected)
    }
  }

  /// ROAD matches only above the threshold, and shifts detections: a detection on the ground-truth
  /// box is not a perfect match, one 2 pixels up-left and 1 pixel smaller is.
  @Test func strictThresholdAndShiftedBoxes() throws {
    let box = Box(x1: 20, y1: 30, x2: 120, y2: 130)
    // (w - 2)(h - 2) / (w h + (w + 1)(h + 1) - (w - 2)(h - 2)) with w = h = 100.
    #expect(box.roadIoU(detection: box) == 9604.0 / (10000.0 + 10201.0 - 9604.0))
    #expect(box.roadIoU(detection: Box(x1: 18, y1: 28, x2: 117, y2: 127)) == 1)

    let gtTube = GroundTruthTube(label: 0, frames: Array(1...4), boxes: Array(repeating: box, count: 4))
    let gt = GroundTruth(
      labels: ["a", "b"], trainVideos: [[]], testVideos: [["v"]],
      videos: ["v": VideoAnnotation(frameCount: 4, height: 240, width: 320, tubes: [gtTube])])
    let half = Tube(
      label: 0, score: 0.5, firstFrame: 1,
      boxes: Array(repeating: Box(x1: 18, y1: 28, x2: 117, y2: 127), count: 2))
    let evaluator = try ROADVideoAPEvaluator(groundTruth: gt, videos: ["v"], tubes: ["v": [half]])
    #expect(evaluator.averagePrecisions(threshold: 0.5) == [0, 0])
    #expect(evaluator.averagePrecisions(threshold: 0.45) == [1, 0])
    // The mAP is over every label, including one without ground truth.
    #expect(evaluator.evaluate(threshold: 0.45).mAP == 50)
  }

  /// Rows with the same box on a frame are one prior; a repeated label starts another; labels
  /// without a row score 0; other frames and unknown labels are left out.
  @Test func rowsWithTheSameBoxAreOnePrior() {
    let a = Box(x1: 1, y1: 2, x2: 30, y2: 40)
    let b = Box(x1: 5, y1: 2, x2: 30, y2: 40)
    let rows: [(Int, String, Float, Box)] = [
      (1, "x", 0.5, a), (1, "y", 0.25, a), (1, "x", 0.75, b), (1, "x", 0.125, a), (1, "z", 0.9, a),
      (2, "y", 0.5, b), (3, "x", 1, a),
    ]
    let detections = rows.map { FrameDetection(video: "v", frame: $0.0, label: $0.1, score: $0.2, box: $0.3) }
    let frames = ROADPrior.grouped(detections, labels: ["x", "y"], frameCount: 2)
    #expect(
      frames == [
        [
          ROADPrior(box: a, scores: [0.5, 0.25]), ROADPrior(box: b, scores: [0.75, 0]),
          ROADPrior(box: a, scores: [0.125, 0]),
        ],
        [ROADPrior(box: b, scores: [0, 0.5])],
      ])
  }

  /// A 2-frame gap is filled with the box found after it; a 3-frame gap ends the path. Of paths
  /// with equal scores, the ones still alive at the end come first (ROAD lists them before the dead).
  @Test func gapsAreFilledOrEndThePath() {
    func track(_ frames: [Int], count: Int) -> [[ROADPrior]] {
      (1...count).map { f in
        frames.contains(f)
          ? [ROADPrior(box: Box(x1: 10 + Float(f), y1: 10, x2: 60 + Float(f), y2: 90), scores: [0.5])] : []
      }
    }
    let linker = ROADTubeLinker()
    let bridged = linker.paths(track([1, 2, 3, 6, 7], count: 7), label: 0)
    #expect(bridged.count == 1 && bridged[0].foundAt == [1, 2, 3, 6, 7])
    #expect(bridged[0].sources.map(\.frame) == [0, 1, 2, 5, 5, 5, 6])
    let split = linker.paths(track([1, 2, 3, 4, 8, 9, 10, 11], count: 11), label: 0)
    #expect(split.map(\.foundAt) == [[8, 9, 10, 11], [1, 2, 3, 4]])
  }
}
