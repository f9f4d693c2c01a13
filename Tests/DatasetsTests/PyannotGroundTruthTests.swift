import Datasets
import Foundation
import Primitives
import Testing

/// The real corrected UCF-101-24 annotations (`annotations/ucf24/pyannot.pkl` + `testlist01.txt`):
/// counts from reference/frame_map_protocols.md §2.2.
@Suite struct PyannotGroundTruthTests {
  static let layout = DatasetLayout(.ucf24, root: TestPaths.annotations)
  static let gt = Result { try layout.loadGroundTruth() }

  @Test func videosAndSplit() throws {
    let gt = try Self.gt.get()
    #expect(Self.layout.groundTruthPath == Self.layout.pyannotPath)
    #expect(gt.labels == Dataset.ucf24.classNames)
    #expect(gt.videos.count == 3_194)
    #expect(gt.testVideos.map(\.count) == [910])
    #expect(gt.trainVideos.map(\.count) == [2_284])
    #expect(gt.testVideos[0].first == "Basketball/v_Basketball_g01_c01")
    #expect(gt.trainVideos[0].first == "Basketball/v_Basketball_g08_c01")
    #expect(try DatasetLayout.readVideoList(at: Self.layout.trainListPath(split: 1)) == gt.trainVideos[0])
    #expect(try Self.layout.readLabels() == gt.labels)
  }

  /// Test set: 1,315 tubes, 170,580 boxes; 159,289 frames = the sum of `numf` over the test
  /// videos, of which 138,527 have at least one box.
  @Test func testSetCounts() throws {
    let gt = try Self.gt.get()
    let test = gt.testVideos[0].compactMap { gt.videos[$0] }
    #expect(test.count == 910)
    #expect(test.reduce(0) { $0 + $1.tubes.count } == 1_315)
    #expect(test.reduce(0) { $0 + $1.tubes.reduce(0) { $0 + $1.boxes.count } } == 170_580)
    #expect(test.reduce(0) { $0 + $1.frameCount } == 159_289)
    let framesWithBoxes = gt.testVideos[0].reduce(0) { n, id in
      n + Set(gt.videos[id]?.tubes.flatMap(\.frames) ?? []).count
    }
    #expect(framesWithBoxes == 138_527)
    for video in gt.videos.values {
      #expect(video.height == 240 && video.width == 320)
      for tube in video.tubes {
        #expect(tube.frames.allSatisfy { (1...video.frameCount).contains($0) })
      }
    }
  }

  /// `Basketball/v_Basketball_g02_c01` tube 0: sf 26, ef 44, first box `[197, 73, 109, 165]` as
  /// `u1`, so x + w = 306 would wrap to 50 in uint8 (read with python3 pickle, latin1).
  @Test func narrowBoxesAreWidened() throws {
    let gt = try Self.gt.get()
    let tube = try #require(gt.videos["Basketball/v_Basketball_g02_c01"]?.tubes.first)
    #expect(tube.frames.first == 27)
    #expect(tube.frames.last == 44)
    #expect(tube.boxes.first == Box(x1: 197, y1: 73, x2: 306, y2: 238))
    #expect(tube.boxes.last == Box(x1: 208, y1: 34, x2: 296, y2: 239))
  }

  /// `PoleVault/v_PoleVault_g21_c05` tube 0 has `u2` boxes; first `[294, 125, 24, 63]`, sf 13.
  @Test func wideBoxesAndConventions() throws {
    let gt = try Self.gt.get()
    let tube = try #require(gt.videos["PoleVault/v_PoleVault_g21_c05"]?.tubes.first)
    #expect(tube.frames.first == 14)
    #expect(tube.boxes.first == Box(x1: 294, y1: 125, x2: 318, y2: 188))
    let shifted = try GroundTruth(
      pyannotAt: Self.layout.pyannotPath, testListAt: Self.layout.testListPath(split: 1),
      boxConvention: .zeroBased)
    #expect(
      shifted.videos["PoleVault/v_PoleVault_g21_c05"]?.tubes.first?.boxes.first
        == Box(x1: 293, y1: 124, x2: 317, y2: 187))
  }

  @Test func unknownTestVideoNamesTheLine() throws {
    let list = "/tmp/datasets-tests-testlist-\(getpid()).txt"
    try writeText("Basketball/v_Basketball_g01_c01\nNoSuch/v_video\n", to: list)
    defer { removeFile(list) }
    let error = try #require(throws: DatasetError.self) {
      try GroundTruth(pyannotAt: Self.layout.pyannotPath, testListAt: list)
    }
    #expect("\(error)".hasPrefix("\(list):2: video NoSuch/v_video is not in"))
  }
}
