import Primitives
import Testing

@testable import Detection

/// What the streaming detector holds stays bounded, whatever the video's length.
@Suite struct StreamingMemoryTests {
  /// 150 synthetic frames (already at the 64×96 input size), keyframes every 7 or 40: the resized
  /// frames and `Mixed_4e` segments held never exceed what one segment with its margins and one clip
  /// need (shared: ≤ 48 + 2·8 = 64 frames and ≤ 3 segments; per-clip: ≤ L frames), also
  /// between keyframes far apart.
  @Test(arguments: [
    (ActionDetector.ContextMode.shared, 7), (.perClip, 7), (.shared, 40), (.perClip, 40),
  ])
  func heldFramesAndSegmentsStayBounded(mode: ActionDetector.ContextMode, every: Int) throws {
    let configuration = DetectorParityTests.configuration(tail: .shared, temporal: .keep, scoring: .softmax)
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 5)
    var detector = try ActionDetector(weights: &weights, configuration: configuration)
    detector.head.concurrentChunks = false  // leaves the process-wide thread count alone
    var stream = StreamingDetector(
      detector: detector, every: every, contextMode: mode, sourceWidth: 96, sourceHeight: 64)
    let length = configuration.clipLength
    var (maxFrames, maxContextFrames, maxSegments, keyframes) = (0, 0, 0, 0)
    for frame in SharedContextTests.frames(150) {
      keyframes += stream.append(frame).count
      maxFrames = max(maxFrames, stream.frames.count)
      maxContextFrames = max(maxContextFrames, stream.context?.frames.count ?? 0)
      maxSegments = max(maxSegments, stream.context?.segments.count ?? 0)
    }
    // Keyframes come out while the video is read: all but the last few before its end.
    let total = (150 + every - 1) / every
    #expect(keyframes >= total - 3)
    keyframes += stream.finish().count
    #expect(keyframes == total)
    if mode == .shared {
      #expect(maxFrames <= 48 + 2 * 8 && maxContextFrames <= 48 + 2 * 8)
      #expect(maxSegments <= 3 && stream.context?.segmentsComputed == 4)
    } else {
      #expect(maxFrames <= length)
    }
  }
}
