import Datasets
import Foundation
import Primitives
import Testing

/// The real `JHMDB-GT.pkl` (annotations/jhmdb, identical to ../shared/data/gt/jhmdb): counts from
/// reference/frame_map_protocols.md §2.1.
@Suite struct JHMDBGroundTruthTests {
  static let gt = Result { try DatasetLayout(.jhmdb, root: TestPaths.annotations).loadGroundTruth() }

  @Test func labelsVideosAndSplits() throws {
    let gt = try Self.gt.get()
    #expect(gt.labels == Dataset.jhmdb.classNames)
    #expect(gt.labels.count == 21)
    #expect(gt.videos.count == 928)
    #expect(gt.trainVideos.map(\.count) == [660, 658, 663])
    #expect(gt.testVideos.map(\.count) == [268, 270, 265])
    for s in 0..<3 {
      #expect(Set(gt.trainVideos[s]).union(gt.testVideos[s]) == Set(gt.videos.keys))
      #expect(Set(gt.trainVideos[s]).isDisjoint(with: gt.testVideos[s]))
    }
  }

  @Test func tubesCoverEveryFrame() throws {
    let gt = try Self.gt.get()
    #expect(gt.videos.values.reduce(0) { $0 + $1.frameCount } == 31_852)
    for (id, video) in gt.videos {
      #expect(video.tubes.count == 1, "\(id)")
      #expect(video.tubes.first?.frames == Array(1...video.frameCount), "\(id)")
      #expect(video.height == 240 && video.width == 320)
      let folder = id.split(separator: "/")[0]
      #expect(video.tubes.first.map { gt.labels[$0.label] } == String(folder))
    }
    let boxesPerSplit = gt.testVideos.map { list in
      list.reduce(0) { n, id in n + (gt.videos[id]?.tubes.reduce(0) { $0 + $1.boxes.count } ?? 0) }
    }
    #expect(boxesPerSplit == [9_139, 8_957, 9_045])
  }

  /// Values read with `pickle.load(open(p, 'rb'), encoding='latin1')['gttubes'][v][0][0]`:
  /// first test video of split 1, frames 1 and 40: `[1, 71, 48, 246, 239]`, `[40, 82, 42, 262, 239]`.
  @Test func spotCheckedBoxes() throws {
    let gt = try Self.gt.get()
    let id = "brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0"
    #expect(gt.testVideos[0].first == id)
    let tube = try #require(gt.videos[id]?.tubes.first)
    #expect(tube.label == 0)
    #expect(tube.boxes.first == Box(x1: 71, y1: 48, x2: 246, y2: 239))
    #expect(tube.boxes.last == Box(x1: 82, y1: 42, x2: 262, y2: 239))
    #expect(tube.frames.last == 40)
  }

  @Test func shippedListsMatchThePickle() throws {
    let gt = try Self.gt.get()
    let layout = DatasetLayout(.jhmdb, root: TestPaths.annotations)
    #expect(try layout.readLabels() == gt.labels)
    for split in 1...3 {
      #expect(
        try DatasetLayout.readVideoList(at: layout.testListPath(split: split)) == gt.testVideos[split - 1])
      #expect(
        try DatasetLayout.readVideoList(at: layout.trainListPath(split: split)) == gt.trainVideos[split - 1])
    }
  }

  /// The shipped files are byte-identical to ../shared/data/gt (skipped when ../shared is absent).
  @Test(.enabled(if: FileManager.default.fileExists(atPath: TestPaths.sharedGT)))
  func shippedFilesMatchShared() throws {
    let pairs = [
      ("jhmdb/JHMDB-GT.pkl", "jhmdb/JHMDB-GT.pkl"), ("ucf24/pyannot.pkl", "ucf24/pyannot.pkl"),
      ("ucf24/testlist01.txt", "ucf24/testlist01.txt"),
    ]
    for (shipped, shared) in pairs {
      #expect(
        try readBytes("\(TestPaths.annotations)/\(shipped)") == readBytes("\(TestPaths.sharedGT)/\(shared)"))
    }
    for split in 1...3 {
      for kind in ["train", "test"] {
        #expect(
          try readBytes("\(TestPaths.annotations)/jhmdb/\(kind)list0\(split).txt")
            == readBytes("\(TestPaths.sharedGT)/jhmdb/jhmdb_\(kind)_videos_split\(split).txt"))
      }
    }
  }
}
