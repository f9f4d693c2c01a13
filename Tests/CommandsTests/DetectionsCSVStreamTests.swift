import Datasets
import Foundation
import Primitives
import Testing

@testable import Commands

/// The streamed detections CSV of `detect`: same bytes as writing all rows at once, and nothing
/// left behind when the run fails before the end.
@Suite struct DetectionsCSVStreamTests {
  static func rows(_ frame: Int) -> [FrameDetection] {
    [
      FrameDetection(
        video: "v,1", frame: frame, label: "jump", score: 0.1 + Float(frame) / 3,
        box: Box(x1: 1.5, y1: 2, x2: 30.25, y2: 40)),
      FrameDetection(
        video: "v,1", frame: frame, label: "say \"hi\"", score: 0.7, box: Box(x1: 0, y1: 0, x2: 1e-3, y2: 7)),
    ]
  }

  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "csv-stream-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test func committedStreamEqualsOneShotWrite() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let stream = try DetectionsCSVStream(path: dir + "/detections.csv")
    for frame in [1, 4, 7] { try stream.append(Self.rows(frame)) }
    try stream.append([])
    #expect(!FileManager.default.fileExists(atPath: dir + "/detections.csv"))
    try stream.commit()
    let written = try Data(contentsOf: URL(fileURLWithPath: dir + "/detections.csv"))
    #expect(Array(written) == (try DetectionsFile.encode([1, 4, 7].flatMap(Self.rows))))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["detections.csv"])
  }

  @Test func uncommittedStreamLeavesNothing() throws {
    let dir = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    do {
      let stream = try DetectionsCSVStream(path: dir + "/detections.csv")
      try stream.append(Self.rows(1))
      #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == 1)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test func unwritableFolderNamesThePath() throws {
    #expect {
      _ = try DetectionsCSVStream(path: "/nonexistent-folder/detections.csv")
    } throws: { "\($0)".contains("/nonexistent-folder/.detections.csv.tmp-") }
  }
}
