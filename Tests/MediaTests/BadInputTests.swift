import Foundation
import Media
import Primitives
import Testing

/// Missing, empty, corrupt and truncated input: the right ``MediaError`` case, a one-line
/// description naming the file, and no crash. (Leaks on these paths: `tools/valgrind-media.sh`.)
@Suite struct BadInputTests {
  /// Opens `path`, expecting `init` to throw; returns the error.
  func openError(_ path: String) -> MediaError? {
    do {
      _ = try VideoReader(path: path)
      return nil
    } catch {
      return error
    }
  }

  /// Reads `path` to the end, expecting a throw after some frames; returns the frames read and the error.
  func readError(_ path: String) throws -> (frames: Int, error: MediaError?) {
    let reader = try VideoReader(path: path)
    var frames = 0
    do {
      while try reader.nextFrame() != nil { frames += 1 }
    } catch {
      #expect(try reader.nextFrame() == nil, "a reader stays finished after an error")
      return (frames, error)
    }
    return (frames, nil)
  }

  /// Checks that the description is one line and names the file.
  func expectDescribes(
    _ error: MediaError?, _ path: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let text = error.map { String(describing: $0) } ?? ""
    #expect(text.contains((path as NSString).lastPathComponent), "\(text)", sourceLocation: sourceLocation)
    #expect(!text.contains("\n"), sourceLocation: sourceLocation)
  }

  @Test func missingFile() {
    let path = "/nonexistent/clip.mp4"
    let error = openError(path)
    #expect(error == .fileNotFound(path: path))
    #expect(error?.description == "/nonexistent/clip.mp4: file not found")
  }

  @Test func emptyFile() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/empty.mp4"
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    #expect(openError(path) == .emptyFile(path: path))
    expectDescribes(openError(path), path)
  }

  @Test func deviceIsNotAFile() {
    #expect(openError("/dev/null") == .notAFile(path: "/dev/null"))
  }

  @Test func textRenamedToMP4() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/notes.mp4"
    try Data("These are my notes, not a video.\n".utf8).write(to: URL(fileURLWithPath: path))
    let error = openError(path)
    guard case .openFailed(let errorPath, let call, let code, let message, let detail) = error else {
      Issue.record("expected openFailed, got \(String(describing: error))")
      return
    }
    #expect(errorPath == path && call == "avformat_open_input" && code < 0)
    #expect(message == "Invalid data found when processing input")
    // FFmpeg tries the MP4 demuxer (by extension) and logs why it gave up.
    #expect(detail == "moov atom not found")
    #expect(
      error?.description
        == "\(path): avformat_open_input failed: \(message) (\(code)); FFmpeg: moov atom not found")
  }

  @Test("MP4 cut in half (index at the end): open fails")
  func truncatedMP4() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/arm_wrestling_cut.mp4"
    try TestMedia.writePrefix(of: TestMedia.video("arm_wrestling_h264.mp4"), fraction: 0.5, to: path)
    let error = openError(path)
    guard case .openFailed(_, let call, _, _, let detail) = error else {
      Issue.record("expected openFailed, got \(String(describing: error))")
      return
    }
    #expect(call == "avformat_open_input")
    #expect(detail == "moov atom not found")
    #expect(error?.description.hasSuffix("(-1094995529); FFmpeg: moov atom not found") == true)
    expectDescribes(error, path)
  }

  @Test("raw MPEG-4 stream cut in half: the intact frames, then damagedFrame")
  func truncatedRawStream() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/ucf24_cut.mp4"
    try TestMedia.writePrefix(of: TestMedia.video("ucf24_v_Basketball_g07_c04.mp4"), fraction: 0.5, to: path)
    let (frames, error) = try readError(path)
    // ffprobe 5.1 decodes 47 frames of this half, the last one concealed.
    #expect(frames == 46)
    #expect(error == .damagedFrame(path: path, frame: 46, flags: 4))
    expectDescribes(error, path)
  }

  @Test("AVI cut in half: the intact frames, then damagedFrame")
  func truncatedAVI() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/applyeyemakeup_cut.avi"
    try TestMedia.writePrefix(of: TestMedia.video("applyeyemakeup_mpeg4.avi"), fraction: 0.5, to: path)
    let reader = try VideoReader(path: path)
    #expect(reader.frameCount == 164)  // the header still lists the whole video
    let (frames, error) = try readError(path)
    #expect(frames == 76)
    #expect(error == .damagedFrame(path: path, frame: 76, flags: 4))
  }

  @Test("AVI cut between two packets: the intact frames, then truncated")
  func aviCutAtPacket() throws {
    let path = TestMedia.fixture("cut_at_packet.avi")
    let (frames, error) = try readError(path)
    #expect(frames == 8)
    #expect(error == .truncated(path: path, expected: 12, actual: 8))
    expectDescribes(error, path)
    let reader = try VideoReader(path: path)
    #expect(throws: MediaError.truncated(path: path, expected: 12, actual: 8)) { try reader.countFrames() }
  }

  @Test("MP4 with its index first, cut mid-packet: some frames, then a failed decoder call")
  func truncatedFaststartMP4() throws {
    let path = TestMedia.fixture("cut_faststart_h264.mp4")
    #expect(try VideoReader(path: path).frameCount == 12)
    let (frames, error) = try readError(path)
    // Where the error surfaces depends on the decoder's frame threads; ffprobe decodes 5 of 12.
    #expect(frames < 6)
    guard case .decodeFailed(let errorPath, let frame, let call, _, let message, _) = error else {
      Issue.record("expected decodeFailed, got \(String(describing: error))")
      return
    }
    #expect(errorPath == path && frame == frames)
    #expect(call == "avcodec_receive_frame" || call == "avcodec_send_packet")
    #expect(message == "Invalid data found when processing input")
    expectDescribes(error, path)
  }

  @Test func audioOnlyFile() {
    let path = TestMedia.fixture("audio_only.mp4")
    let error = openError(path)
    #expect(error == .noVideoStream(path: path, streams: ["audio"]))
    #expect(error?.description == "\(path): no video stream (streams: audio)")
  }

  @Test func emptyFolder() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(openError(folder) == .emptyFrameFolder(path: folder))
    try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/readme.txt"))
    #expect(openError(folder) == .emptyFrameFolder(path: folder))
    expectDescribes(openError(folder), folder)
  }

  @Test("a text file named like a frame")
  func textAsFrame() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/00001.png"
    try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
    #expect(openError(folder) == .unsupportedImage(path: path, firstBytes: "68 65 6C 6C 6F"))
    expectDescribes(openError(folder), path)
  }

  @Test("a JPEG or PNG frame cut in half", arguments: ["img_00001.jpg", "00001.png"])
  func truncatedImage(_ name: String) throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/" + name
    let source =
      name.hasSuffix(".jpg")
      ? TestMedia.video("jpeg_frames/img_00001.jpg") : TestMedia.fixture("testsrc_16x12_rgb24.png")
    try TestMedia.writePrefix(of: source, fraction: 0.5, to: path)
    let error = openError(folder)
    guard case .decodeFailed(let errorPath, let frame, _, _, _, _) = error else {
      Issue.record("expected decodeFailed, got \(String(describing: error))")
      return
    }
    #expect(errorPath == path && frame == 0)
  }

  @Test("a frame whose size differs from the first")
  func frameSizeChanges() throws {
    let folder = try TestMedia.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.copyItem(
      atPath: TestMedia.video("jpeg_frames/img_00001.jpg"), toPath: folder + "/img_00001.jpg")
    try FileManager.default.copyItem(
      atPath: TestMedia.fixture("testsrc_16x12_rgb24.png"), toPath: folder + "/img_00002.png")
    let (frames, error) = try readError(folder)
    #expect(frames == 1)
    let expected = MediaError.frameSizeChanged(
      path: folder + "/img_00002.png", frame: 1, expected: .init(width: 320, height: 240),
      actual: .init(width: 16, height: 12))
    #expect(error == expected)
    #expect(
      expected.description.hasSuffix("img_00002.png: frame 1 is 16x12, expected 320x240 like the first frame")
    )
    #expect(throws: expected) { try VideoReader(path: folder).countFrames() }
  }
}
