import Detection
import Foundation
import Primitives
import Rendering
import Testing

@testable import Commands

/// `detect --draw-threshold`: the PNGs show the detections scoring at least the threshold, the CSV
/// every detection; trained weights default to 0.5, untrained ones draw everything.
@Suite struct DetectDrawThresholdTests {
  static let sure = DetectedAction(box: Box(x1: 4, y1: 4, x2: 30, y2: 40), classIndex: 0, score: 0.9)
  static let unsure = DetectedAction(box: Box(x1: 34, y1: 8, x2: 60, y2: 44), classIndex: 1, score: 0.2)

  /// The PNG and CSV rows the writer makes of one frame with both detections.
  static func written(drawThreshold: Float) throws -> (image: RGBImage, rows: Int) {
    let directory = NSTemporaryDirectory() + "draw-threshold-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var writer = try DetectOutputWriter(
      directory: directory, videoName: "v", classes: ["clap", "wave"], every: 1, untrained: false,
      drawThreshold: drawThreshold)
    try writer.add(frame: 0, RGBImage(width: 64, height: 48, fill: (30, 30, 30)))
    let rows = try writer.add(StreamingDetector.Keyframe(index: 0, detections: [sure, unsure]))
    try writer.finish(provenance: "trained: test")
    return (try RGBImage(pngAt: directory + "/00001.png"), rows.count)
  }

  /// `detections` drawn as the writer draws them.
  static func drawn(_ detections: [DetectedAction]) -> RGBImage {
    var image = RGBImage(width: 64, height: 48, fill: (30, 30, 30))
    for d in detections.reversed() {
      let name = ["clap", "wave"][d.classIndex]
      image.drawLabelledBox(
        d.box, text: "\(name) \(String(format: "%.2f", d.score))", colour: Palette.colour(forClass: name))
    }
    return image
  }

  @Test func onlyConfidentDetectionsAreDrawn() throws {
    let (image, rows) = try Self.written(drawThreshold: 0.5)
    #expect(rows == 2)
    #expect(image.pixels == Self.drawn([Self.sure]).pixels)
    #expect(image.pixels != Self.drawn([Self.sure, Self.unsure]).pixels)
    #expect(try Self.written(drawThreshold: 0).image.pixels == Self.drawn([Self.sure, Self.unsure]).pixels)
  }

  @Test func thresholdIsChecked() throws {
    #expect(try Detect.parse(["v.mp4", "--out", "o"]).drawThreshold == nil)
    #expect(try Detect.parse(["v.mp4", "--out", "o", "--draw-threshold", "0.3"]).drawThreshold == 0.3)
    for bad in ["-0.1", "1.5", "nan"] {
      #expect(throws: (any Error).self) {
        try Detect.parse(["v.mp4", "--out", "o", "--draw-threshold", bad])
      }
    }
    #expect(DetectRun.defaultDrawThreshold == 0.5)
  }
}
