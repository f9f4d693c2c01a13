import Detection
import Foundation
import Networks
import Primitives
import Tensor
import Testing

/// The flow stream of the two-stream detector: configuration, inflation, flow input, late fusion.
@Suite struct FlowStreamTests {
  /// A tiny detector: width 1/8, 64×80 input, 8-frame clips, 20 proposals.
  static func tiny(_ stream: ContextStream = .rgb) -> DetectorConfiguration {
    var rpn = RPNConfiguration()
    rpn.hiddenChannels = 16
    rpn.anchors = AnchorGenerator(sizes: [16, 32, 64], aspectRatios: [0.5, 1, 2], stride: 16)
    rpn.preNMSTopN = 100
    rpn.proposals = 20
    var c = DetectorConfiguration(
      classes: ["a", "b", "c"], inputHeight: 64, inputWidth: 80, clipLength: 8, contextPreset: "torchvision",
      rpn: rpn, width: .eighth)
    c.contextStream = stream
    c.postProcessing.scoreThreshold = 0
    return c
  }

  static func detector(_ configuration: DetectorConfiguration, seed: UInt64) throws -> ActionDetector {
    var store = try DetectorCheckpoint.seededStore(configuration, seed: seed)
    return try ActionDetector(weights: &store, configuration: configuration)
  }

  /// A `[1, 3, T, H, W]` clip of bytes from a seeded generator.
  static func clip(frames: Int, seed: UInt64) -> Tensor {
    var generator = SplitMix64(seed: seed)
    let count = 3 * frames * 64 * 80
    return Tensor(
      shape: [1, 3, frames, 64, 80], scalars: (0..<count).map { _ in Float(generator.next() % 256) })
  }

  @Test func configurationRoundTripsTheStreamAndOldJSONReadsAsRGB() throws {
    let flow = Self.tiny(.flow)
    let json = try flow.json()
    #expect(json.contains("\"contextStream\":\"flow\""))
    #expect(try DetectorConfiguration.decode(json: json, source: "test") == flow)
    #expect(try flow.contextConfiguration().inputChannels == 2)
    // An RGB configuration writes no stream key (its JSON is what it was before the field), and a
    // checkpoint written before the field existed reads as RGB.
    let rgb = Self.tiny()
    let rgbJSON = try rgb.json()
    #expect(!rgbJSON.contains("contextStream") && !rgbJSON.contains("inputChannels"))
    let old = try DetectorConfiguration.decode(json: rgbJSON, source: "old")
    #expect(old.contextStream == .rgb)
    #expect(try old.contextConfiguration().inputChannels == 3)
    let s3dg = try S3DGConfiguration(
      jsonString: try S3DGConfiguration.torchvision.inputChannels(2).jsonString())
    #expect(s3dg.inputChannels == 2)
    #expect(
      try S3DGConfiguration(jsonString: try S3DGConfiguration.torchvision.jsonString()).inputChannels == 3)
  }

  @Test func inflationAveragesTheRGBStemOverItsInputChannels() throws {
    let rgb = Self.tiny()
    var weights = try DetectorCheckpoint.seededStore(rgb, seed: 3)
    var (flow, flowWeights) = try DetectorCheckpoint.inflatedToFlow(rgb, weights: &weights)
    #expect(flow.contextStream == .flow)
    let names = try DetectorCheckpoint.flowInflatedTensorNames(rgb)
    #expect(names == ["context.features.0.0.0.weight"])  // torchvision's separable stem: 1×7×7 spatial conv
    var original = try DetectorCheckpoint.seededStore(rgb, seed: 3)
    let stem = try original.take(names[0], shape: [8, 3, 1, 7, 7])
    let inflated = try flowWeights.take(names[0], shape: [8, 2, 1, 7, 7])
    for o in 0..<8 {
      for i in 0..<49 {
        let mean = (0..<3).map { stem[(o * 3 + $0) * 49 + i] }.reduce(0, +) / 3
        for c in 0..<2 { #expect(abs(inflated[(o * 2 + c) * 49 + i] - mean) <= 1e-6 * max(1, abs(mean))) }
      }
    }
    // Every other tensor is copied, and the result builds a flow detector.
    let other = "context.features.2.0.weight"
    let shape = try #require(original.shape(of: other))
    #expect(try flowWeights.take(other, shape: shape) == original.take(other, shape: shape))
    var store = try DetectorCheckpoint.inflatedToFlow(rgb, weights: &original).weights
    let detector = try ActionDetector(weights: &store, configuration: flow)
    #expect(detector.contextFeature(Self.clip(frames: 8, seed: 1)).shape == [1, 66, 2, 4, 5])
    var flowStore = try DetectorCheckpoint.seededStore(flow, seed: 1)
    #expect(throws: DetectorError.self) {
      _ = try DetectorCheckpoint.inflatedToFlow(flow, weights: &flowStore)
    }
  }

  @Test func flowInputIsTheStoredBytesInUnitRange() {
    var clip = Tensor(shape: [1, 3, 1, 1, 2])
    clip.withUnsafeMutableBufferPointer { p in
      for (i, v) in [0, 255, 128, 127, 9, 9].enumerated() { p[i] = Float(v) }
    }
    let input = ContextInput(stream: .flow, normalization: .imageNet)(clip)
    #expect(input.shape == [1, 2, 1, 1, 2])
    let expected: [Float] = [-1, 1, 128 / 127.5 - 1, 127 / 127.5 - 1]
    #expect(zip(input.scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 })
    // A flipped x byte 255 − b is the exact negation of the network's value.
    for b in [0, 1, 64, 127, 128, 200, 255] {
      #expect(abs(Float(255 - b) / 127.5 - 1 + (Float(b) / 127.5 - 1)) < 1e-6)
    }
  }

  @Test func lateFusionAveragesEachStreamsScoresOnTheSameBoxes() throws {
    let rgb = try Self.detector(Self.tiny(), seed: 11)
    let flow = try Self.detector(Self.tiny(.flow), seed: 12)
    let fusion = try TwoStreamFusion(rgb: rgb, flow: flow)
    let rgbContext = rgb.contextFeature(Self.clip(frames: 8, seed: 2))
    let flowContext = flow.contextFeature(Self.clip(frames: 8, seed: 3))
    let boxes = [
      Box(x1: 0, y1: 0, x2: 40, y2: 32), Box(x1: 10, y1: 8, x2: 70, y2: 60),
      Box(x1: 30, y1: 20, x2: 79, y2: 63),
    ]
    let alone = (
      rgb: rgb.head(mixed4e: rgbContext, proposals: boxes),
      flow: flow.head(mixed4e: flowContext, proposals: boxes)
    )
    let fused = fusion.fusedScores(rgbMixed4e: rgbContext, flowMixed4e: flowContext, proposals: boxes)
    #expect(fused.scores.count == 3 && fused.scores[0].count == 3)
    for r in 0..<3 {
      for k in 0..<3 {
        let mean = (alone.rgb.scores[r][k] + alone.flow.scores[r][k]) / 2
        #expect(abs(fused.scores[r][k] - mean) < 1e-6)
      }
      #expect(fused.deltas[r] == alone.rgb.deltas[r])  // boxes refined by the RGB head
    }
    // The whole keyframe: RGB proposals, fused scores, the RGB post-processing.
    let keyframe = rgb.keyframeFeature(Tensor(shape: [1, 3, 64, 80], repeating: 100))
    let proposals = rgb.rpn.proposals(keyframe, imageWidth: 80, imageHeight: 64).boxes
    let both = fusion.fusedScores(rgbMixed4e: rgbContext, flowMixed4e: flowContext, proposals: proposals)
    let expected = rgb.configuration.postProcessing(
      proposals: proposals, scores: both.scores, deltas: both.deltas, coder: .fasterRCNN, width: 80,
      height: 64)
    let found = fusion.detect(keyframeFeature: keyframe, rgbMixed4e: rgbContext, flowMixed4e: flowContext)
    #expect(found == expected && !found.isEmpty)
    // A weighted fusion: (1 − w)·RGB + w·flow; w = 1 is the flow stream alone, 0 the RGB stream.
    for w: Float in [0, 0.25, 1] {
      let weighted = try TwoStreamFusion(rgb: rgb, flow: flow, flowWeight: w)
      let scores = weighted.fusedScores(rgbMixed4e: rgbContext, flowMixed4e: flowContext, proposals: boxes)
        .scores
      for r in 0..<3 {
        for k in 0..<3 {
          let (a, b) = (alone.rgb.scores[r][k], alone.flow.scores[r][k])
          #expect(abs(scores[r][k] - ((1 - w) * a + w * b)) < 1e-6)
          if w == 1 { #expect(scores[r][k] == b) }
          if w == 0 { #expect(scores[r][k] == a) }
        }
      }
    }
    for bad: Float in [-0.1, 1.5, .nan] {
      #expect(throws: DetectorError.self) { _ = try TwoStreamFusion(rgb: rgb, flow: flow, flowWeight: bad) }
    }
    // Streams are checked: two RGB detectors, or other classes, are refused.
    #expect(throws: DetectorError.self) { _ = try TwoStreamFusion(rgb: rgb, flow: rgb) }
    var other = Self.tiny(.flow)
    other.classes = ["x", "y", "z"]
    let mismatched = try Self.detector(other, seed: 1)
    #expect(throws: DetectorError.self) { _ = try TwoStreamFusion(rgb: rgb, flow: mismatched) }
  }
}
