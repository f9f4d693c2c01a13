import Foundation
import Media
import Primitives
import Testing

/// Decoded pixels equal the `ffmpeg` command line's RGB24 output byte for byte.
///
/// The reference rows were made by `tools/make_media_fixtures.sh` (ffmpeg 5.1:
/// `-vf select=eq(n\,INDEX) -f rawvideo -pix_fmt rgb24`, first 64 rows kept to stay small).
@Suite struct ReferencePixelTests {
  /// One line of `Fixtures/reference_frames.txt`.
  struct Reference: Sendable, CustomStringConvertible {
    let file: String
    let source: String
    let index: Int
    let width: Int
    let rows: Int
    var description: String { "\(source) frame \(index)" }
  }

  static let references: [Reference] = {
    let path = TestMedia.fixture("reference_frames.txt")
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      let f = line.split(separator: " ").map(String.init)
      guard f.count == 5, let index = Int(f[2]), let width = Int(f[3]), let rows = Int(f[4]) else {
        return nil
      }
      return Reference(file: f[0], source: f[1], index: index, width: width, rows: rows)
    }
  }()

  @Test("fixture list is complete")
  func fixtureListIsComplete() {
    #expect(Self.references.count == 4)
  }

  @Test("decoded rows equal ffmpeg's", arguments: references)
  func matchesFFmpeg(_ reference: Reference) throws {
    // A single frame of a folder is read by pointing at the folder; the reference names the image.
    let source = TestMedia.video(reference.source)
    let path = source.hasSuffix(".jpg") ? (source as NSString).deletingLastPathComponent : source
    let reader = try VideoReader(path: path)
    var frame: RGBImage?
    for _ in 0...reference.index { frame = try reader.nextFrame() }
    let decoded = try #require(frame)
    #expect(decoded.width == reference.width)

    let expected = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestMedia.fixture(reference.file))))
    #expect(expected.count == reference.width * 3 * reference.rows)
    let actual = Array(decoded.pixels.prefix(expected.count))
    let differing = zip(actual, expected).filter { $0 != $1 }.count
    #expect(differing == 0, "\(differing) of \(expected.count) bytes differ")
  }
}
