import Commands
import Datasets
import Detection
import Flow
import Foundation
import Media
import Primitives
import Testing

/// `detect --weights RGB --flow FLOW` on a real clip: plumbing with tiny seeded detectors.
@Suite struct TwoStreamDetectTests {
  static let clip = DetectCommandTests.clip

  /// Writes a seeded RGB and a seeded flow detector (tiny, same classes) into `dir`.
  static func checkpoints(in dir: String) throws -> (rgb: String, flow: String) {
    let rgb = dir + "/rgb.safetensors"
    let flow = dir + "/flow.safetensors"
    try DetectorCheckpoint.writeSeeded(FlowStreamTests.tiny(), seed: 5, to: rgb)
    try DetectorCheckpoint.writeSeeded(FlowStreamTests.tiny(.flow), seed: 6, to: flow)
    return (rgb, flow)
  }

  /// The run `detect CLIP --out OUT --weights RGB --flow FLOW --max-frames 6 --every 3` makes.
  static func job(_ out: String, rgb: String, flow: String) -> DetectRun {
    var job = DetectRun(video: clip, outputDirectory: out)
    job.weights = rgb
    job.flowWeights = flow
    job.maxFrames = 6
    job.every = 3
    job.showProgress = false
    return job
  }

  @Test func computedFlowRunWritesFusedDetections() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (rgb, flow) = try Self.checkpoints(in: dir)
    let command = try Detect.parse([
      Self.clip, "--out", dir + "/out", "--weights", rgb, "--flow", flow, "--max-frames", "6", "--every", "3",
    ])
    #expect(command.flow == flow && command.flowRoot == nil)
    let job = Self.job(dir + "/out", rgb: rgb, flow: flow)
    let summary = try job.run()
    #expect(summary.frames == 6 && summary.keyframes == 2 && summary.detections > 0)
    #expect(summary.line.contains("RGB seeded: 5") && summary.line.contains("flow seeded: 6"))
    let rows = try DetectionsFile.read(path: dir + "/out/detections.csv")
    #expect(rows.count == summary.detections)
    #expect(Set(rows.map(\.frame)) == [1, 4])
    // The same boxes as the RGB detector alone (its proposals and deltas), with other scores.
    var alone = DetectRun(video: Self.clip, outputDirectory: dir + "/rgb")
    alone.weights = rgb
    alone.maxFrames = 6
    alone.every = 3
    alone.showProgress = false
    alone.scoreThreshold = 0
    alone.maxDetections = 10_000
    _ = try alone.run()
    let rgbRows = try DetectionsFile.read(path: dir + "/rgb/detections.csv")
    #expect(rgbRows.map(\.score) != rows.map(\.score))
  }

  @Test func storedFlowIsReadAndAMissingPairIsOneLine() throws {
    let dir = try DetectCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (rgb, flow) = try Self.checkpoints(in: dir)
    // Flow of the first 5 pairs, stored as `flow` stores it, under <root>/<video name>/.
    let folder = dir + "/flow/ucf24_v_Basketball_g01_c02"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let reader = try VideoReader(path: Self.clip)
    let writer = try FlowImageWriter(folder: folder, width: reader.width, height: reader.height)
    let solver = try TVL1OpticalFlow()
    var previous = GrayImage(try #require(try reader.nextFrame()))
    for pair in 1...5 {
      let next = GrayImage(try #require(try reader.nextFrame()))
      try writer.write(try solver.flow(from: previous, to: next), pair: pair)
      previous = next
    }
    let arguments = [
      Self.clip, "--out", dir + "/out", "--weights", rgb, "--flow", flow, "--flow-root", dir + "/flow",
      "--max-frames", "6", "--every", "3",
    ]
    #expect(try Detect.parse(arguments).flowRoot == dir + "/flow")
    var job = Self.job(dir + "/out", rgb: rgb, flow: flow)
    job.flowRoot = dir + "/flow"
    #expect(try job.run().keyframes == 2)
    try FileManager.default.removeItem(atPath: folder + "/x_00003.jpg")
    #expect {
      _ = try job.run()
    } throws: { error in
      let text = "\(error)"
      return text.contains("x_00003.jpg") && !text.contains("\n")
    }
    job.flowRoot = dir + "/nowhere"
    #expect {
      _ = try job.run()
    } throws: { error in "\(error)".contains("nowhere/ucf24_v_Basketball_g01_c02: flow: no x_00001.jpg") }
    // An RGB checkpoint given as --flow is refused by name.
    job.flowRoot = nil
    job.flowWeights = rgb
    #expect {
      _ = try job.run()
    } throws: { error in "\(error)".contains("--flow needs a flow detector") }
    #expect(throws: (any Error).self) { _ = try Detect.parse([Self.clip, "--out", "o", "--flow-root", "f"]) }
    // A flow detector alone (as --weights) would read RGB frames as flow: refused, saying what to do.
    var alone = DetectRun(video: Self.clip, outputDirectory: dir + "/alone")
    alone.weights = flow
    alone.showProgress = false
    #expect {
      _ = try alone.run()
    } throws: { error in "\(error)".contains("context stream is flow") && "\(error)".contains("--flow FLOW") }
    #expect(!FileManager.default.fileExists(atPath: dir + "/alone"))
  }

  /// The keyframes a two-stream `StreamingDetector` finds on 10 seeded frames (RGB and flow).
  static func keyframes(_ fusion: TwoStreamFusion, contextMode: ActionDetector.ContextMode) -> (
    rgb: ActionDetector.ContextMode, flow: ActionDetector.ContextMode?, found: [StreamingDetector.Keyframe]
  ) {
    var stream = StreamingDetector(
      fusion: fusion, every: 3, contextMode: contextMode, sourceWidth: 80, sourceHeight: 64)
    var generator = SplitMix64(seed: 11)
    let frame = {
      RGBImage(width: 80, height: 64, pixels: (0..<(80 * 64 * 3)).map { _ in UInt8(generator.next() % 256) })!
    }
    var found: [StreamingDetector.Keyframe] = []
    for _ in 0..<10 {
      found += stream.append(frame())
      found += stream.appendFlow(frame())
    }
    found += stream.finish()
    return (stream.contextMode, stream.flowContextMode, found)
  }

  /// A per-sample RGB detector (it cannot share its context) paired with a flow detector that could:
  /// both contexts run per clip, and `--context shared` finds exactly what `--context perClip` does.
  @Test func bothStreamsShareTheirContextOrNeither() throws {
    var perSample = FlowStreamTests.tiny()
    perSample.trunkStatistics = .perSample
    let flow = try FlowStreamTests.detector(FlowStreamTests.tiny(.flow), seed: 6)
    let mixed = try TwoStreamFusion(rgb: try FlowStreamTests.detector(perSample, seed: 5), flow: flow)
    let requestedShared = Self.keyframes(mixed, contextMode: .shared)
    #expect(requestedShared.rgb == .perClip && requestedShared.flow == .perClip)
    let perClip = Self.keyframes(mixed, contextMode: .perClip)
    #expect(requestedShared.found.count == 4 && requestedShared.found == perClip.found)
    // Two detectors that can share both do.
    let running = try TwoStreamFusion(
      rgb: try FlowStreamTests.detector(FlowStreamTests.tiny(), seed: 5), flow: flow)
    let shared = Self.keyframes(running, contextMode: .shared)
    #expect(shared.rgb == .shared && shared.flow == .shared)
  }
}
