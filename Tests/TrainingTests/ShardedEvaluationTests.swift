import Commands
import Datasets
import Detection
import Foundation
import Networks
import Testing

/// `mpirun -np 2 eval-framemap … --detector` shares the videos between the ranks and gives exactly
/// the single process's evaluation (rank 0 gathers the rows in the same order).
@Suite struct ShardedEvaluationTests {
  /// The tiny synthetic set (4 videos), its ACT pickle and a seeded, untrained detector checkpoint
  /// (scores near 1/3 for every class, so every keyframe has many rows).
  static func fixture() throws -> (set: SyntheticSet, groundTruth: String, checkpoint: String) {
    let set = try SyntheticSet(perClass: 2, frames: 8)
    let groundTruth = set.root + "/gt.pkl"
    try set.groundTruth.writeACTPickle(to: groundTruth)
    var weights = WeightStore.detectorInitialization(seed: 4)
    let detector = try TrainableActionDetector(weights: &weights, configuration: SyntheticSet.configuration())
    let checkpoint = set.root + "/detector.safetensors"
    try detector.writeCheckpoint(to: checkpoint, metadata: [:])
    return (set, groundTruth, checkpoint)
  }

  @Test(
    .enabled(
      if: DataParallelTests.mpirun != nil,
      "mpirun is not installed (tools/setup.sh installs openmpi-bin): skipped"
    ))
  func twoRanksEvaluateExactlyAsOneProcess() throws {
    let eval = try DataParallelTests.executable("eval-framemap")
    let (set, groundTruth, checkpoint) = try Self.fixture()
    defer { set.remove() }
    let common = [
      "jhmdb", "split1", "--gt", groundTruth, "--detector", checkpoint, "--frames-root", set.root,
      "--detector-threads", "1",
    ]
    let single = try DataParallelTests.run(
      eval, common + ["--cache", set.root + "/cache1", "--json", set.root + "/one.json"])
    let ranks = try DataParallelTests.run(
      DataParallelTests.mpirun!,
      ["--allow-run-as-root", "--oversubscribe", "-np", "2", eval] + common
        + ["--cache", set.root + "/cache2", "--json", set.root + "/two.json"])
    let one = try String(contentsOfFile: set.root + "/one.json", encoding: .utf8)
    let two = try String(contentsOfFile: set.root + "/two.json", encoding: .utf8)
    #expect(one.contains("\"mAP\""))
    #expect(single.contains(" rows)") && !single.contains("(0 rows)"), "\(single)")
    #expect(one == two)
    // Rank 0 alone printed the table; each rank cached its own videos.
    #expect(ranks.components(separatedBy: "mAP ").count == single.components(separatedBy: "mAP ").count)
    let cached = { (path: String) in
      try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".csv") }.sorted()
    }
    #expect(try cached(set.root + "/cache2") == (try cached(set.root + "/cache1")))
    #expect(try cached(set.root + "/cache1").count == set.videos.count)
  }

  @Test func videoMAPOfTheDetectorIsVideoMAPOfItsDetections() throws {
    let (set, groundTruth, checkpoint) = try Self.fixture()
    defer { set.remove() }
    var tables: [String] = []
    try EvalVideoMAP.parse([
      "jhmdb", "split1", "--gt", groundTruth, "--detector", checkpoint, "--frames-root", set.root,
      "--cache", set.root + "/cache", "--json", set.root + "/detector.json",
    ]).run { tables.append($0) }
    // The same rows through a detections file: the cache's per-video CSVs in split order.
    let split = SplitDetection(framesRoot: set.root, cacheDirectory: set.root + "/cache")
    let rows = try set.videos.flatMap { try DetectionsFile.read(path: split.cacheFile($0)) }
    #expect(rows.count > 100)
    try DetectionsFile.write(rows, to: set.root + "/rows.csv")
    try EvalVideoMAP.parse([
      "jhmdb", "split1", "--gt", groundTruth, "--detections", set.root + "/rows.csv", "--json",
      set.root + "/file.json",
    ]).run { tables.append($0) }
    let a = try String(contentsOfFile: set.root + "/detector.json", encoding: .utf8)
    let b = try String(contentsOfFile: set.root + "/file.json", encoding: .utf8)
    #expect(a == b && a.contains("mAP"))
    #expect(tables.count == 2 && tables[0].contains("detections detector (\(rows.count) rows)"))
    // Another score threshold is another run: the cache refuses it, a new cache keeps fewer rows.
    let strict = [
      "jhmdb", "split1", "--gt", groundTruth, "--detector", checkpoint, "--frames-root", set.root,
    ]
    #expect {
      try EvalVideoMAP.parse(strict + ["--cache", set.root + "/cache", "--detector-score-threshold", "0.34"])
        .run { _ in }
    } throws: { "\($0)".contains("--detector-score-threshold") }
    try EvalVideoMAP.parse(
      strict + ["--cache", set.root + "/cache-strict", "--detector-score-threshold", "0.34"]
    )
    .run { tables.append($0) }
    let kept = try set.videos.flatMap {
      try DetectionsFile.read(
        path: SplitDetection(framesRoot: set.root, cacheDirectory: set.root + "/cache-strict").cacheFile($0))
    }
    #expect(kept.count < rows.count && kept.allSatisfy { $0.score >= 0.34 })
  }

  @Test(
    .enabled(
      if: DataParallelTests.mpirun != nil,
      "mpirun is not installed (tools/setup.sh installs openmpi-bin): skipped"
    ))
  func severalVideosShareTheRanks() throws {
    let detect = try DataParallelTests.executable("detect")
    let (set, _, checkpoint) = try Self.fixture()
    defer { set.remove() }
    let videos = set.videos.map { set.root + "/" + $0 }  // left/v0, left/v1, right/v0, right/v1
    let renamed = try videos.enumerated().map { i, path -> String in
      let name = set.root + "/clip\(i)"
      try FileManager.default.createSymbolicLink(atPath: name, withDestinationPath: path)
      return name
    }
    let common = ["--weights", checkpoint, "--threads", "1", "--every", "4"]
    let single = try DataParallelTests.run(detect, renamed + common + ["--out", set.root + "/one"])
    let ranks = try DataParallelTests.run(
      DataParallelTests.mpirun!,
      ["--allow-run-as-root", "--oversubscribe", "-np", "2", detect] + renamed + common + [
        "--out", set.root + "/two",
      ])
    for i in renamed.indices {
      let a = try String(contentsOfFile: set.root + "/one/clip\(i)/detections.csv", encoding: .utf8)
      let b = try String(contentsOfFile: set.root + "/two/clip\(i)/detections.csv", encoding: .utf8)
      #expect(a == b && a.split(separator: "\n").count > 1, "clip\(i)")
    }
    // Rank 0 prints one line per video, in the order given, as the single process does.
    let lines = { (text: String) in
      text.split(separator: "\n").filter { $0.contains(": 8 frames") }.map(String.init)
    }
    #expect(lines(single).count == 4)
    let counts = { (text: String, out: String) in
      lines(text).map {
        $0.replacingOccurrences(of: out, with: "/").components(separatedBy: " detections,")[0]
      }
    }
    #expect(counts(ranks, "/two/") == counts(single, "/one/"))
  }
}
