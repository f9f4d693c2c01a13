import Foundation
import Media
import Primitives

/// Paths and expectations shared by the Media tests.
enum TestMedia {
  /// The repository root, found from this file's path.
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  /// The shared sample videos (`../shared/data/videos` beside the repository).
  static let videos = repository.deletingLastPathComponent().appendingPathComponent("shared/data/videos").path
  /// Committed fixtures, made by `tools/make_media_fixtures.sh`.
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// A sample video's full path.
  static func video(_ name: String) -> String { videos + "/" + name }
  /// A fixture's full path.
  static func fixture(_ name: String) -> String { fixtures + "/" + name }

  /// A fresh empty temporary folder; the caller removes it.
  static func temporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "media-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  /// The first `fraction` of `source`'s bytes written to `destination`.
  static func writePrefix(of source: String, fraction: Double, to destination: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: source))
    try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: destination))
  }
}

/// What one sample video must decode to.
///
/// Frame counts are `nb_read_frames` of
/// `ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames FILE`
/// (ffprobe 5.1.9, Debian 12); frame rates are the stream's `avg_frame_rate`, else `r_frame_rate`.
struct ExpectedVideo: Sendable, CustomStringConvertible {
  let name: String
  let width: Int
  let height: Int
  let frameRate: Double
  let containerFrameCount: Int?
  let frames: Int

  var description: String { name }

  static let all: [ExpectedVideo] = [
    .init(
      name: "arm_wrestling_h264.mp4", width: 340, height: 256, frameRate: 28, containerFrameCount: 280,
      frames: 280),
    .init(
      name: "applyeyemakeup_mpeg4.avi", width: 320, height: 240, frameRate: 25, containerFrameCount: 164,
      frames: 164),
    .init(
      name: "ucf24_v_Basketball_g01_c02.mp4", width: 340, height: 256, frameRate: ntsc,
      containerFrameCount: nil, frames: 180),
    .init(
      name: "ucf24_v_Basketball_g07_c04.mp4", width: 340, height: 256, frameRate: ntsc,
      containerFrameCount: nil, frames: 101),
    .init(
      name: "ucf24_v_Biking_g01_c01.mp4", width: 340, height: 256, frameRate: ntsc, containerFrameCount: nil,
      frames: 151),
    .init(
      name: "ucf24_v_CliffDiving_g03_c01.mp4", width: 340, height: 256, frameRate: 25,
      containerFrameCount: nil, frames: 92),
    .init(
      name: "ucf24_v_HorseRiding_g01_c03.mp4", width: 340, height: 256, frameRate: ntsc,
      containerFrameCount: nil, frames: 98),
    .init(
      name: "ucf24_v_SalsaSpin_g03_c01.mp4", width: 340, height: 256, frameRate: 25, containerFrameCount: nil,
      frames: 168),
    // A folder of 10 JPEG images; folders report the default 25 fps and their image count.
    .init(name: "jpeg_frames", width: 320, height: 240, frameRate: 25, containerFrameCount: 10, frames: 10),
  ]

  /// 30000/1001, the NTSC rate the raw MPEG-4 clips state.
  static let ntsc = 30000.0 / 1001.0
}

extension RGBImage {
  /// Mean of all bytes.
  var meanValue: Double {
    Double(pixels.reduce(0) { $0 + Int($1) }) / Double(max(pixels.count, 1))
  }

  /// Standard deviation of all bytes.
  var standardDeviation: Double {
    let mean = meanValue
    let sum = pixels.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
    return (sum / Double(max(pixels.count, 1))).squareRoot()
  }
}
