import Detection
import Foundation
import Networks
import Primitives
import Tensor
import Testing

/// Trunks trained with batch statistics (one sample per forward) run at inference exactly as they
/// ran in training: the checkpoint records per-sample statistics, and the inference trunks compute the
/// training forward's features.
@Suite struct PerSampleStatisticsTests {
  static func randomTensor(_ shape: [Int], seed: UInt64, center: Float = 0.5, halfWidth: Float = 2) -> Tensor
  {
    let count = shape.reduce(1, *)
    return Tensor(
      shape: shape,
      scalars: CounterRandom(seed: seed).values("x", count: count, center: center, halfWidth: halfWidth))
  }

  @Test func perSampleForwardIsTheTrainingForwardOfEachSample() {
    let c = 5
    let bn = BatchNormParameters(
      gamma: Self.randomTensor([c], seed: 1, center: 1, halfWidth: 0.5),
      beta: Self.randomTensor([c], seed: 2, center: 0, halfWidth: 0.5),
      mean: Self.randomTensor([c], seed: 3), variance: Tensor(shape: [c], repeating: 4), epsilon: 1e-3)
    let x = Self.randomTensor([3, c, 2, 3, 4], seed: 4, center: 7, halfWidth: 3)
    let residual = Self.randomTensor([3, c, 2, 3, 4], seed: 5)
    let y = bn.perSampleForward(x, residual: residual, activation: .relu)
    let plain = bn.perSampleForward(x)
    let perSample = x.count / 3
    for n in 0..<3 {
      let range = (n * perSample)..<((n + 1) * perSample)
      let one = Tensor(shape: [1, c, 2, 3, 4], scalars: Array(x.scalars[range]))
      let trained = bn.trainingForward(one).output.scalars
      let r = Array(residual.scalars[range])
      #expect(Array(plain.scalars[range]) == trained)
      #expect(Array(y.scalars[range]) == zip(trained, r).map { max($0 + $1, 0) })
    }
  }

  @Test func copyChannelsWritesTheSlice() {
    var out = Tensor(shape: [2, 4, 3], repeating: 0)
    let part = Tensor(shape: [2, 2, 3], scalars: (1...12).map(Float.init))
    out.copyChannels(from: part, channelOffset: 1)
    #expect(out.scalars == [0, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0, 0])
  }

  @Test func checkpointRecordsHowTheTrunksRan() throws {
    let configuration = TrainableDetectorTests.configuration()
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    #expect(detector.checkpointConfiguration.trunkStatistics == .running)
    detector.setBatchNormMode(.training)
    for bn in detector.head.batchNorms { bn.mode = .frozen }
    #expect(detector.checkpointConfiguration.trunkStatistics == .perSample)
    let json = try detector.checkpointConfiguration.json()
    #expect(json.contains("\"trunkStatistics\":\"perSample\""))
    #expect(try DetectorConfiguration.decode(json: json, source: "t").trunkStatistics == .perSample)
    #expect(!(try configuration.json()).contains("trunkStatistics"))

    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "per-sample-\(getpid()).safetensors"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try detector.writeCheckpoint(to: path, metadata: [:])
    let loaded = try DetectorCheckpoint.load(path: path).detector
    #expect(loaded.configuration.trunkStatistics == .perSample)
    #expect(loaded.contextMode(requested: .shared) == .perClip)
    #expect(try detector.inferenceDetector().contextMode(requested: .shared) == .perClip)
    // Running statistics: still trained on clips (the trunks learnt each clip with its edges), so
    // still per clip; an assembled detector of the same configuration may share.
    detector.setBatchNormMode(.frozen)
    #expect(detector.checkpointConfiguration.trainedOnClips)
    #expect((try detector.checkpointConfiguration.json()).contains("\"trainedOnClips\":true"))
    #expect(try detector.inferenceDetector().contextMode(requested: .shared) == .perClip)
    #expect(try detector.inferenceDetector().contextMode(requested: .perClip) == .perClip)
    #expect(!(try configuration.json()).contains("trainedOnClips"))
    var assembledWeights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let assembled = try ActionDetector(weights: &assembledWeights, configuration: configuration)
    #expect(assembled.contextMode(requested: .shared) == .shared)
  }

  /// The inference trunks of a per-sample checkpoint give the training forward's features (same
  /// arithmetic; tolerance 1e-5 of the feature's scale), and differ clearly from running statistics.
  @Test func inferenceTrunksComputeTheTrainingForward() throws {
    let configuration = TrainableDetectorTests.configuration()
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try TrainableActionDetector(weights: &weights, configuration: configuration)
    detector.setBatchNormMode(.training)
    for bn in detector.head.batchNorms { bn.mode = .frozen }
    let sample = TrainableDetectorTests.sample()
    let trainedKeyframe = detector.keyframe.stages.forward(
      try configuration.keyframeInputNormalization()(sample.keyframe))
    let trainedContext = detector.context.stages.forward(try configuration.contextInput()(sample.clip))
    detector.keyframe.stages.forgetActivations()
    detector.context.stages.forgetActivations()

    let inference = try detector.inferenceDetector()
    #expect(inference.configuration.trunkStatistics == .perSample)
    let keyframe = inference.keyframeFeature(sample.keyframe)
    let context = inference.contextFeature(sample.clip)
    #expect(keyframe.shape == trainedKeyframe.shape && context.shape == trainedContext.shape)
    for (ours, trained) in [(keyframe, trainedKeyframe), (context, trainedContext)] {
      let scale = max(trained.scalars.map(abs).max() ?? 0, 1e-6)
      let worst = zip(ours.scalars, trained.scalars).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-5 * scale, "max difference \(worst), scale \(scale)")
    }

    detector.setBatchNormMode(.frozen)
    let running = try detector.inferenceDetector().keyframeFeature(sample.keyframe)
    let apart = zip(running.scalars, trainedKeyframe.scalars).map { abs($0 - $1) }.max() ?? 0
    #expect(apart > 1e-2 * (trainedKeyframe.scalars.map(abs).max() ?? 0))
  }
}
