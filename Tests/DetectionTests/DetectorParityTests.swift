import Detection
import Networks
import Primitives
import Tensor
import Testing

/// The seeded small detectors of tools/detector_reference.py (fixtures `detector_<variant>.safetensors`).
@Suite struct DetectorParityTests {
  static let seed: UInt64 = 20_261_122

  static func configuration(
    tail: HeadConfiguration.Tail, temporal: ROICrop3D.TemporalMode, scoring: HeadConfiguration.Scoring
  ) -> DetectorConfiguration {
    DetectorConfiguration(
      classes: ["a", "b", "c"], inputHeight: 64, inputWidth: 96, clipLength: 8, contextPreset: "tfSlimS3DG",
      keyframeNormalization: "imageNet",
      rpn: RPNConfiguration(
        anchors: AnchorGenerator(sizes: [32, 64], aspectRatios: [0.5, 1, 2], stride: 16), hiddenChannels: 32,
        preNMSTopN: 100, proposals: 8),
      head: HeadConfiguration(tail: tail, crop: ROICrop3D(temporalMode: temporal), scoring: scoring),
      postProcessing: PostProcessing(scoreThreshold: 0, iouThreshold: 0.5, maxPerClass: 5, maxPerFrame: 6))
  }

  /// The clip `[1, 3, 8, 64, 96]` (stream "frames", 127.5 ± 127.5) and its frame 4 as the keyframe.
  static func inputs() -> (clip: Tensor, keyframe: Tensor) {
    let count = 3 * 8 * 64 * 96
    let clip = Tensor(
      shape: [1, 3, 8, 64, 96],
      scalars: CounterRandom(seed: seed).values("frames", count: count, center: 127.5, halfWidth: 127.5))
    var key = [Float](repeating: 0, count: 3 * 64 * 96)
    let values = clip.scalars
    for c in 0..<3 {
      for p in 0..<(64 * 96) { key[c * 64 * 96 + p] = values[(c * 8 + 4) * 64 * 96 + p] }
    }
    return (clip, Tensor(shape: [1, 3, 64, 96], scalars: key))
  }

  static func check(
    _ name: String, tail: HeadConfiguration.Tail, temporal: ROICrop3D.TemporalMode,
    scoring: HeadConfiguration.Scoring
  ) throws {
    let file = try OpsFixture.file("detector_\(name)")
    let trunks = try OpsFixture.file("detector_perroi_keep_softmax")
    let configuration = configuration(tail: tail, temporal: temporal, scoring: scoring)
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: seed)
    let detector = try ActionDetector(weights: &weights, configuration: configuration)
    let (clip, keyframe) = inputs()

    let layer3 = detector.keyframeFeature(keyframe)
    #expect(maxRelativeError(layer3.scalars, try trunks.floats("layer3")) < 1e-4)
    let mixed4e = detector.contextFeature(clip)
    #expect(mixed4e.shape == [1, 528, 2, 4, 6])
    #expect(maxRelativeError(mixed4e.scalars, try trunks.floats("mixed4e")) < 1e-4)

    // RPN logits in anchor order (position-major, then anchor).
    let logits = detector.rpn(layer3).objectness.scalars
    let ordered = (0..<144).map { logits[($0 % 6) * 24 + $0 / 6] }
    #expect(maxRelativeError(ordered, try file.floats("objectness")) < 1e-4)
    let (proposals, _) = detector.rpn.proposals(layer3, imageWidth: 96, imageHeight: 64)
    let expectedProposals = try OpsFixture.boxes(file, "proposals")
    #expect(proposals.count == expectedProposals.count)
    let flat = proposals.flatMap { [$0.x1, $0.y1, $0.x2, $0.y2] }
    #expect(maxRelativeError(flat, expectedProposals.flatMap { [$0.x1, $0.y1, $0.x2, $0.y2] }) < 1e-4)

    // Head on the reference proposals (independent of RPN ordering), with the reference Mixed_4e.
    let referenceMixed4e = try OpsFixture.tensor(trunks, "mixed4e")
    let features = detector.head.features(mixed4e: referenceMixed4e, proposals: expectedProposals)
    #expect(maxRelativeError(features.scalars, try file.floats("features")) < 1e-4)
    // Small chunks on two threads (concurrent chunks with single-threaded kernels) give the same rows.
    var chunked = detector.head
    chunked.chunkSize = 3
    let chunkedFeatures = Compute.withThreadCount(2) {
      chunked.features(mixed4e: referenceMixed4e, proposals: expectedProposals)
    }
    #expect(maxRelativeError(chunkedFeatures.scalars, try file.floats("features")) < 1e-4)
    let (scores, deltas) = detector.head(mixed4e: referenceMixed4e, proposals: expectedProposals)
    #expect(maxRelativeError(scores.flatMap { $0 }, try file.floats("scores")) < 1e-4)
    let flatDeltas = deltas.flatMap { $0.flatMap { [$0[0], $0[1], $0[2], $0[3]] } }
    #expect(maxRelativeError(flatDeltas, try file.floats("deltas")) < 1e-4)

    // End to end: same classes, scores and boxes.
    let detections = detector.detect(keyframeFeature: layer3, mixed4e: mixed4e)
    let expected = try file.floats("detections")
    #expect(detections.count * 6 == expected.count)
    for (i, d) in detections.enumerated() where 6 * i + 5 < expected.count {
      #expect(d.classIndex == Int(expected[6 * i + 1]))
      #expect(abs(d.score - expected[6 * i]) < 1e-4)
      let box = [d.box.x1, d.box.y1, d.box.x2, d.box.y2]
      for k in 0..<4 { #expect(abs(box[k] - expected[6 * i + 2 + k]) < 1e-2) }
    }
  }

  @Test func paperHeadPerROITubes() throws {
    try Self.check("perroi_keep_softmax", tail: .perROI, temporal: .keep, scoring: .softmax)
  }

  @Test func timeAveragedROIs() throws {
    try Self.check("perroi_average_softmax", tail: .perROI, temporal: .average, scoring: .softmax)
  }

  @Test func sharedTailSigmoid() throws {
    try Self.check("shared_keep_sigmoid", tail: .shared, temporal: .keep, scoring: .sigmoid)
  }

  @Test func checkpointNamesMatchLoaders() throws {
    // Every tensor the parameter table lists is consumed by the loaders (ActionDetector asserts it),
    // for each context preset.
    for preset in ["torchvision", "tfSlimS3DG", "howTo100M", "i3d"] {
      var c = Self.configuration(tail: .perROI, temporal: .keep, scoring: .softmax)
      c.contextPreset = preset
      c.rpn.hiddenChannels = 4
      let tensors = try ParameterTable.detector(c)
      var map: [String: (shape: [Int], values: [Float])] = [:]
      for t in tensors { map[t.name] = (t.shape, [Float](repeating: 0.5, count: t.shape.reduce(1, *))) }
      var store = try WeightStore(tensors: map)
      #expect(throws: Never.self) { _ = try ActionDetector(weights: &store, configuration: c) }
    }
  }
}
