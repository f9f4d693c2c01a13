import Detection
import Foundation
import Primitives
import Rendering
import Tensor
import Training

extension TrainSetup {
  /// Writes the first 16 samples of the run's order (as the trainer would build them: input size,
  /// augmentation, boxes mapped) to `directory` as `sample-NN.png`, boxes and labels drawn.
  func writePreview(to directory: String) throws {
    let detector = try previewConfiguration()
    let counts = try FramesRootCheck.frameCounts(
      root: framesRoot, videos: trainVideos, expected: groundTruth.videos.mapValues(\.frameCount))
    let options = try command.trainOptions(labels: groundTruth.labels)
    var configuration = detector
    if command.stream == "flow" { configuration.contextStream = .flow }
    if configuration.contextStream == .flow, options.augmentation.timeReversal != nil {
      throw TrainingError.timeReversalOfFlow
    }
    let builder = SampleBuilder(
      framesRoot: framesRoot, frameCounts: counts, configuration: configuration,
      augmentation: options.augmentation, flowRoot: try checkedFlowRoot(configuration, frameCounts: counts))
    let examples = TrainingExample.all(in: groundTruth, videos: trainVideos)
    let order = EpochOrder(count: examples.count, seed: options.seed, shuffles: options.shuffle)
    try OutputDirectory.create(directory)
    for i in 0..<min(16, examples.count) {
      let example = examples[order.example(atSample: i)]
      let sample = try builder.sample(example, seed: EpochOrder.mix(options.seed, UInt64(i)))
      var image = Self.image(of: sample.keyframe)
      for labelled in sample.boxes {
        let name = labelled.classes.map { groundTruth.labels[$0] }.joined(separator: "+")
        let colour = Palette.colour(forClass: name)
        image.strokeBox(labelled.box, colour: colour)
        let r = image.labelRectangle(for: name, on: labelled.box)
        image.fillRectangle(x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height, colour: colour)
        image.drawText(name, x: r.x + 2, y: r.y, colour: Colour(0, 0, 0))
      }
      let path = "\(directory)/" + String(format: "sample-%02d.png", i + 1)
      try image.writePNG(to: path)
      print("\(path): \(example.video) frame \(example.keyframe)")
    }
  }

  /// The configuration the samples are built for: the checkpoint's or the --scratch one.
  private func previewConfiguration() throws -> DetectorConfiguration {
    if let spec = command.scratch {
      return try command.scratchConfiguration(spec, classes: groundTruth.labels)
    }
    var path = command.initial ?? ""
    if let run = command.resume { path = "\(run)/\(try RunState.read(directory: run).checkpoint)" }
    return try DetectorCheckpoint.open(path: path).configuration
  }

  /// A `[1, 3, H, W]` raw 0…255 tensor as an image.
  static func image(of tensor: Tensor) -> RGBImage {
    let (h, w) = (tensor.shape[2], tensor.shape[3])
    let values = tensor.scalars
    var pixels = [UInt8](repeating: 0, count: h * w * 3)
    for c in 0..<3 {
      for i in 0..<(h * w) { pixels[i * 3 + c] = UInt8(max(0, min(255, values[c * h * w + i].rounded()))) }
    }
    return RGBImage(width: w, height: h, pixels: pixels)!
  }
}
