import Datasets
import Detection
import Foundation
import Media
import Primitives
import Tensor
import Testing

@testable import Commands

/// Streaming detection (`detect`, `eval-framemap --detector`) against the whole-video reference:
/// the same keyframes and bit-identical detections (exact `Float` equality: same inputs, same
/// arithmetic). Comparisons run with 2 threads bound to the test's own thread
/// (`Compute.withThreadCount`), whatever other suites set process-wide.
@Suite struct StreamingDetectionTests {
  /// Runs `compare` (which returns the differences it found) with 2 threads bound to the test's
  /// own thread; records the differences as failures.
  static func expectIdentical(_ compare: () throws -> [String]) rethrows {
    let differences = try Compute.withThreadCount(2) { try compare() }
    #expect(differences.isEmpty, "\(differences.count) differences, first: \(differences.first ?? "")")
  }

  /// Descriptions of the positions where `found` and `expected` differ (or one has no item).
  static func mismatches<T: Equatable>(_ found: [T], _ expected: [T]) -> [String] {
    (0..<max(found.count, expected.count)).compactMap { i in
      let (f, e) = (i < found.count ? found[i] : nil, i < expected.count ? expected[i] : nil)
      return f == e ? nil : "\(i): \(f.map { "\($0)" } ?? "none") vs \(e.map { "\($0)" } ?? "none")"
    }
  }

  static let jpegFolder = URL(fileURLWithPath: DetectCommandTests.clip).deletingLastPathComponent()
    .appendingPathComponent("jpeg_frames").path

  /// The small seeded detector (clip length 8, input 64×96) of the parity tests.
  static func detector() throws -> ActionDetector {
    let configuration = DetectorParityTests.configuration(tail: .perROI, temporal: .keep, scoring: .softmax)
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 17)
    return try ActionDetector(weights: &weights, configuration: configuration)
  }

  /// The first `count` frames of `path` (all when nil).
  static func frames(_ path: String, count: Int?) throws -> [RGBImage] {
    let reader = try VideoReader(path: path)
    var frames: [RGBImage] = []
    while count.map({ frames.count < $0 }) ?? true, let frame = try reader.nextFrame() {
      frames.append(frame)
    }
    return frames
  }

  /// The keyframes the streaming loop returns, each with the number of frames read when it came.
  static func streamed(
    _ detector: ActionDetector, path: String, every: Int, mode: ActionDetector.ContextMode, maxFrames: Int?
  ) throws -> [(keyframe: StreamingDetector.Keyframe, framesRead: Int)] {
    var read = 0
    var found: [(StreamingDetector.Keyframe, Int)] = []
    let count = try StreamingDetector.run(
      detector, reader: try VideoReader(path: path), every: every, contextMode: mode, maxFrames: maxFrames,
      frame: { index, _ in read = index + 1 }, keyframe: { found.append(($0, read)) })
    #expect(count == read)
    return found
  }

  /// Checks the streamed keyframes of every stride in `strides` against the reference.
  static func check(
    path: String, frameCount: Int?, strides: [Int], mode: ActionDetector.ContextMode
  ) throws -> [[(keyframe: StreamingDetector.Keyframe, framesRead: Int)]] {
    let detector = try detector()
    let frames = try frames(path, count: frameCount)
    var runs: [[(keyframe: StreamingDetector.Keyframe, framesRead: Int)]] = []
    try expectIdentical {
      let reference = WholeVideoReference.detections(detector, frames: frames, mode: mode)
      #expect(reference.allSatisfy { !$0.isEmpty })
      runs = try strides.map {
        try streamed(detector, path: path, every: $0, mode: mode, maxFrames: frameCount)
      }
      var differences: [String] = []
      for (every, found) in zip(strides, runs) {
        #expect(found.map(\.keyframe.index) == Array(stride(from: 0, to: frames.count, by: every)))
        for (keyframe, _) in found where keyframe.index < frames.count {
          let wrong = mismatches(keyframe.detections, reference[keyframe.index])
          differences += wrong.map { "keyframe \(keyframe.index), every \(every): \($0)" }
        }
      }
      return differences
    }
    return runs
  }

  /// 60 frames of a real clip: two context segments, the first computed before the end of the
  /// stream (shared), clips complete before the end (per-clip).
  @Test(arguments: [ActionDetector.ContextMode.shared, .perClip])
  func matchesWholeVideoOnRealClip(mode: ActionDetector.ContextMode) throws {
    let runs = try Self.check(path: DetectCommandTests.clip, frameCount: 60, strides: [1, 3], mode: mode)
    // Keyframes come out while the video is still being read, not all at its end.
    for found in runs {
      #expect(found.filter { $0.framesRead < 60 }.count >= 10)
      if mode == .perClip {
        #expect(found.allSatisfy { $0.framesRead == min($0.keyframe.index + 4, 60) })
      }
    }
  }

  /// A video shorter than the clip (7 frames < L = 8): everything comes from the end padding.
  @Test(arguments: [ActionDetector.ContextMode.shared, .perClip])
  func matchesWholeVideoOnSevenFrames(mode: ActionDetector.ContextMode) throws {
    _ = try Self.check(path: DetectCommandTests.clip, frameCount: 7, strides: [1, 3], mode: mode)
  }

  /// The 10-frame JPEG folder, read to its end (no frame limit).
  @Test(arguments: [ActionDetector.ContextMode.shared, .perClip])
  func matchesWholeVideoOnJPEGFolder(mode: ActionDetector.ContextMode) throws {
    _ = try Self.check(path: Self.jpegFolder, frameCount: nil, strides: [1, 3], mode: mode)
  }

  /// `detect` end to end on the JPEG folder (every 3, shared): the CSV holds exactly the reference's
  /// detections of keyframes 1, 4, 7, 10 (scores and boxes round-trip exactly), every frame has its PNG,
  /// and no temporary file is left.
  @Test func detectCommandWritesTheReferenceDetections() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let configuration = DetectorParityTests.configuration(tail: .perROI, temporal: .keep, scoring: .softmax)
    try DetectorCheckpoint.writeSeeded(configuration, seed: 17, to: dir + "/seeded.safetensors")
    let (detector, _) = try DetectorCheckpoint.load(path: dir + "/seeded.safetensors")
    let frames = try Self.frames(Self.jpegFolder, count: nil)
    var job = DetectRun(video: Self.jpegFolder, outputDirectory: dir + "/out")
    job.weights = dir + "/seeded.safetensors"
    job.every = 3
    job.threads = 2
    job.showProgress = false
    try Self.expectIdentical {
      let summary = try job.run()
      #expect(summary.frames == 10 && summary.keyframes == 4)
      let reference = WholeVideoReference.detections(detector, frames: frames, mode: .shared)
      let expected = [0, 3, 6, 9].flatMap { k in
        reference[k].map {
          FrameDetection(
            video: "jpeg_frames", frame: k + 1, label: configuration.classes[$0.classIndex], score: $0.score,
            box: $0.box)
        }
      }
      let rows = try DetectionsFile.read(path: dir + "/out/detections.csv")
      #expect(rows.count == expected.count && summary.detections == expected.count)
      return Self.mismatches(rows, expected)
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted()
    #expect(files == (1...10).map { String(format: "%05d.png", $0) } + ["detections.csv", "weights.txt"])
  }

  /// `eval-framemap --detector`'s per-video detection (per-clip, every 2) gives the reference's rows.
  @Test func splitDetectionMatchesWholeVideo() throws {
    let detector = try Self.detector()
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let root = URL(fileURLWithPath: Self.jpegFolder).deletingLastPathComponent().path
    var run = SplitDetection(framesRoot: root, cacheDirectory: dir)
    run.every = 2
    run.contextMode = .perClip
    run.showProgress = false
    let frames = try Self.frames(Self.jpegFolder, count: nil)
    try Self.expectIdentical {
      let rows = try run.detect(video: "jpeg_frames", using: .rgb(detector))
      let reference = WholeVideoReference.detections(detector, frames: frames, mode: .perClip)
      let expected = stride(from: 0, to: 10, by: 2).flatMap { k in
        reference[k].map {
          FrameDetection(
            video: "jpeg_frames", frame: k + 1, label: detector.configuration.classes[$0.classIndex],
            score: $0.score, box: $0.box)
        }
      }
      #expect(rows.count == expected.count)
      return Self.mismatches(rows, expected)
    }
  }
}
