import Detection
import Networks
import Primitives
import Tensor
import Testing

/// Shared-context slicing: windows are the right steps of the trunk run over the padded video.
@Suite struct SharedContextTests {
  static func frames(_ count: Int) -> [RGBImage] {
    let values = CounterRandom(seed: 5).values(
      "frames", count: count * 96 * 64 * 3, center: 127.5, halfWidth: 127.5)
    return (0..<count).map { f in
      let pixels = (0..<(96 * 64 * 3)).map { UInt8(values[f * 96 * 64 * 3 + $0].rounded()) }
      return RGBImage(width: 96, height: 64, pixels: pixels)!
    }
  }

  @Test func singleSegmentWindowsAreStepsOfTheWholePaddedVideo() throws {
    let configuration = DetectorParityTests.configuration(tail: .shared, temporal: .keep, scoring: .softmax)
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 11)
    let detector = try ActionDetector(weights: &weights, configuration: configuration)
    let video = Self.frames(21)  // padded to 36 frames: one segment
    let shared = SharedContext(detector: detector, resizedFrames: video)
    let length = configuration.clipLength
    let padded = ((video.count + length + 4 + 3) / 4) * 4
    let sequence = (0..<padded).map { video[min(max($0 - length / 2, 0), video.count - 1)] }
    let whole = detector.contextFeature(FrameResizer.tensor(sequence, video: true))
    #expect(shared.feature.shape == whole.shape)
    #expect(maxRelativeError(shared.feature.scalars, whole.scalars) < 1e-5)
    for k in [0, 3, 6, 13, 20] {
      let window = shared.window(keyframe: k)
      #expect(window.shape == [1, 528, length / 4, 4, 6])
      let start = min(Int((Double(k) / 4).rounded()), whole.shape[2] - length / 4)
      let plane = 4 * 6
      let w = window.scalars
      let all = whole.scalars
      var worst: Float = 0
      for c in 0..<528 {
        for t in 0..<(length / 4) {
          for p in 0..<plane {
            worst = max(
              worst,
              abs(w[(c * (length / 4) + t) * plane + p] - all[(c * whole.shape[2] + start + t) * plane + p]))
          }
        }
      }
      #expect(worst == 0)
    }
  }

  @Test func segmentsCoverLongVideos() throws {
    let configuration = DetectorParityTests.configuration(tail: .shared, temporal: .keep, scoring: .softmax)
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 11)
    let detector = try ActionDetector(weights: &weights, configuration: configuration)
    let video = Self.frames(70)  // padded to 84 frames: two segments with margins
    let shared = SharedContext(detector: detector, resizedFrames: video)
    #expect(shared.feature.shape == [1, 528, 21, 4, 6])
    #expect(shared.feature.scalars.allSatisfy { $0.isFinite })
    #expect(shared.window(keyframe: 69).shape == [1, 528, 2, 4, 6])
  }
}
