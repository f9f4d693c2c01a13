import Detection
import Networks
import Primitives
import Tensor
import Testing

@Suite struct GeometryTests {
  @Test func anchorsCountSizesAndCentres() {
    let generator = AnchorGenerator.standard
    let anchors = generator.anchors(featureHeight: 20, featureWidth: 25)
    #expect(anchors.count == 6000)
    // Position (0, 0): ratio 0.5 first, sizes 64…512; centred at (8, 8).
    let first = anchors[0]
    #expect(abs((first.x1 + first.x2) / 2 - 8) < 1e-5 && abs((first.y1 + first.y2) / 2 - 8) < 1e-5)
    #expect(abs(first.width - 64 * Float(0.5).squareRoot()) < 1e-4)
    #expect(abs(first.height - 64 / Float(0.5).squareRoot()) < 1e-4)
    #expect(abs(first.width / first.height - 0.5) < 1e-5)
    // Anchor 7 of a position is ratio 1 (index 1), size 512 (index 3): 512 × 512.
    #expect(abs(anchors[7].width - 512) < 1e-3 && abs(anchors[7].height - 512) < 1e-3)
    // Position (i = 2, j = 3) → index (2·25 + 3)·12, centre (3·16 + 8, 2·16 + 8) = (56, 40).
    let a = anchors[(2 * 25 + 3) * 12 + 4]
    #expect(abs((a.x1 + a.x2) / 2 - 56) < 1e-4 && abs((a.y1 + a.y2) / 2 - 40) < 1e-4)
    #expect(abs(a.width * a.height - 64 * 64) < 0.05)
    // The area of every anchor is its size squared.
    for (k, anchor) in anchors.prefix(12).enumerated() {
      let size = generator.sizes[k % 4]
      #expect(abs(anchor.width * anchor.height / (size * size) - 1) < 1e-5)
    }
  }

  @Test func anchorsMatchTorchvisionUpToRoundingAndHalfCellShift() throws {
    // torchvision rounds base anchors to integers and centres them at 16·i; ours are exact at 16·i + 8.
    // Its aspect ratio is h/w where ours (TF OD API) is w/h: its ratios (0.5, 1, 2) are our (2, 1, 0.5).
    let file = try OpsFixture.file()
    let theirs = try OpsFixture.boxes(file, "anchors_torchvision")
    let ours = AnchorGenerator(sizes: [64, 128, 256, 512], aspectRatios: [2, 1, 0.5], stride: 16)
      .anchors(featureHeight: 20, featureWidth: 25)
    #expect(theirs.count == ours.count)
    var worst: Float = 0
    for (a, b) in zip(ours, theirs) {
      for (x, y) in [(a.x1 - 8, b.x1), (a.y1 - 8, b.y1), (a.x2 - 8, b.x2), (a.y2 - 8, b.y2)] {
        worst = max(worst, abs(x - y))
      }
    }
    #expect(worst <= 0.5)
  }

  @Test func boxCoderMatchesTorchvision() throws {
    let file = try OpsFixture.file()
    let anchors = try OpsFixture.boxes(file, "coder_anchors")
    let targets = try OpsFixture.boxes(file, "coder_boxes")
    let deltas = try file.floats("coder_deltas")
    let encoded = try file.floats("coder_encoded")
    let decoded = try file.floats("coder_decoded")
    let coder = BoxCoder.fasterRCNN
    var ours: [Float] = []
    var back: [Float] = []
    for i in anchors.indices {
      let e = coder.encode(targets[i], anchor: anchors[i])
      ours += [e[0], e[1], e[2], e[3]]
      let d = coder.decode(
        SIMD4(deltas[4 * i], deltas[4 * i + 1], deltas[4 * i + 2], deltas[4 * i + 3]), anchor: anchors[i])
      back += [d.x1, d.y1, d.x2, d.y2]
      // Round trip: decode(encode(b)) == b within float rounding.
      let r = coder.decode(e, anchor: anchors[i])
      #expect(abs(r.x1 - targets[i].x1) < 1e-3 && abs(r.y2 - targets[i].y2) < 1e-3)
    }
    #expect(maxRelativeError(ours, encoded) < 1e-5)
    #expect(maxRelativeError(back, decoded) < 1e-5)  // includes 4 rows clamped at log(1000/16)
  }

  @Test func nmsMatchesTorchvision() throws {
    let file = try OpsFixture.file()
    let boxes = try OpsFixture.boxes(file, "nms_boxes")
    let scores = try file.floats("nms_scores")
    for (threshold, key) in [(Float(0.7), "nms_keep_07"), (0.5, "nms_keep_05")] {
      let expected = try file.floats(key).map { Int($0) }
      let kept = NonMaximumSuppression.keep(boxes: boxes, scores: scores, iouThreshold: threshold)
      #expect(kept == expected)
      #expect(kept.count < boxes.count)
    }
    let limited = NonMaximumSuppression.keep(boxes: boxes, scores: scores, iouThreshold: 0.7, limit: 10)
    #expect(limited == Array(try file.floats("nms_keep_07").map { Int($0) }.prefix(10)))
  }

  @Test func roiCropMatchesTorchvisionRoIAlign() throws {
    let file = try OpsFixture.file()
    let features = try OpsFixture.tensor(file, "crop_feature")
    let boxes = try OpsFixture.boxes(file, "crop_boxes")
    let kept = ROICrop3D()(features, boxes: boxes)
    let expected = try OpsFixture.tensor(file, "crop_pooled")
    #expect(kept.shape == expected.shape)
    #expect(maxRelativeError(kept.scalars, expected.scalars) < 1e-5)
    let averaged = ROICrop3D(temporalMode: .average)(features, boxes: boxes)
    let expectedAverage = try OpsFixture.tensor(file, "crop_averaged")
    #expect(averaged.shape == expectedAverage.shape)
    #expect(maxRelativeError(averaged.scalars, expectedAverage.scalars) < 1e-5)
    // The fused mean over T, H, W equals the mean of the pooled tensor.
    let mean = ROICrop3D().mean(features, boxes: boxes)
    #expect(mean.shape == [12, 5])
    #expect(maxRelativeError(mean.scalars, kept.globalMean().scalars) < 1e-5)
  }

  @Test func perClassPostProcessing() {
    // Two proposals overlapping heavily, one far away; 2 classes; zero deltas keep the proposals.
    let proposals = [
      Box(x1: 10, y1: 10, x2: 110, y2: 110), Box(x1: 12, y1: 12, x2: 112, y2: 112),
      Box(x1: 200, y1: 100, x2: 300, y2: 200),
    ]
    let scores: [[Float]] = [[0.9, 0.2], [0.8, 0.6], [0.01, 0.7]]
    let deltas = Array(repeating: Array(repeating: SIMD4<Float>(0, 0, 0, 0), count: 2), count: 3)
    let post = PostProcessing(scoreThreshold: 0.05, iouThreshold: 0.5, maxPerClass: 10, maxPerFrame: 10)
    let out = post(
      proposals: proposals, scores: scores, deltas: deltas, coder: .fasterRCNN, width: 400, height: 320)
    // Class 0: proposal 1 suppressed by 0, proposal 2 below threshold. Class 1: 2 (0.7), 1 (0.6); 0 suppressed.
    #expect(out.map(\.classIndex) == [0, 1, 1])
    #expect(out.map(\.score) == [0.9, 0.7, 0.6])
    #expect(abs(out[1].box.x1 - 200) < 1e-4)
    let capped = PostProcessing(scoreThreshold: 0.65, maxPerFrame: 1)(
      proposals: proposals, scores: scores, deltas: deltas, coder: .fasterRCNN, width: 400, height: 320)
    #expect(capped.count == 1 && capped[0].score == 0.9)
    // Boxes are clipped to the image.
    let big = [SIMD4<Float>(0, 0, 20, 20), SIMD4<Float>(0, 0, 0, 0)]
    let clipped = post(
      proposals: [proposals[2]], scores: [[0.9, 0]], deltas: [big], coder: .fasterRCNN, width: 400,
      height: 320)
    #expect(
      clipped.count == 1 && clipped[0].box.x2 <= 400 && clipped[0].box.y2 <= 320 && clipped[0].box.x1 >= 0)
  }
}

@Suite struct ConfigurationTests {
  @Test func hostileValuesAreRejectedNotTrapped() throws {
    let good = DetectorConfiguration(classes: ["a"])
    #expect(throws: Never.self) { try good.validate() }
    var cases: [(DetectorConfiguration, String)] = []
    var c = good
    c.classes = []
    cases.append((c, "classes"))
    c = good
    c.head.crop.poolSize = 0
    cases.append((c, "ROI crop"))
    c = good
    c.clipLength = 10
    cases.append((c, "clip length"))
    c = good
    c.rpn.anchors.sizes = [-1]
    cases.append((c, "anchors"))
    c = good
    c.inputWidth = 410
    cases.append((c, "input"))
    for (configuration, word) in cases {
      #expect {
        try configuration.validate()
      } throws: { "\($0)".contains(word) }
    }
    // The same through a checkpoint's JSON: decoding succeeds, validation refuses.
    let json = try c.json()
    let decoded = try DetectorConfiguration.decode(json: json, source: "x.safetensors")
    #expect(throws: DetectorError.self) { try decoded.validate() }
    #expect(throws: DetectorError.self) {
      _ = try DetectorConfiguration.decode(json: "{\"classes\": 3}", source: "x")
    }
  }

  @Test func contextFramesRoundTripAndDefaultToTheClip() throws {
    var c = DetectorConfiguration(classes: ["a"])
    let clipJSON = try c.json()
    #expect(!clipJSON.contains("contextFrames"))  // checkpoints of the paper's detector are unchanged
    #expect(try DetectorConfiguration.decode(json: clipJSON, source: "x").contextFrames == .clip)
    c.contextFrames = .keyframe
    let json = try c.json()
    #expect(json.contains("\"contextFrames\":\"keyframe\""))
    #expect(try DetectorConfiguration.decode(json: json, source: "x") == c)
  }

  @Test func staticContextNeverShares() throws {
    var configuration = DetectorConfiguration(
      classes: ["a"], inputHeight: 64, inputWidth: 80, clipLength: 8, contextPreset: "torchvision",
      width: .eighth)
    configuration.contextFrames = .keyframe
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try ActionDetector(weights: &weights, configuration: configuration)
    let stream = StreamingDetector(
      detector: detector, every: 1, contextMode: .shared, sourceWidth: 80, sourceHeight: 64)
    #expect(stream.contextMode == .perClip)
  }
}
