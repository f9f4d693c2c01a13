import Datasets
import Detection
import Foundation
import Networks
import Primitives
import Rendering
import Training

/// A tiny synthetic action dataset written as frame folders: per video, a bright rectangle moving on
/// a plain background, one class per colour and direction; ground truth kept in memory.
struct SyntheticSet {
  let root: String
  let groundTruth: GroundTruth
  let videos: [String]

  /// The tiny detector: width 1/8, 64×80 input, 8-frame clips, small RPN.
  static func configuration(classes: [String] = ["left", "right"]) -> DetectorConfiguration {
    var rpn = RPNConfiguration()
    rpn.hiddenChannels = 16
    rpn.anchors = AnchorGenerator(sizes: [16, 32, 64], aspectRatios: [0.5, 1, 2], stride: 16)
    rpn.preNMSTopN = 100
    rpn.proposals = 20
    return DetectorConfiguration(
      classes: classes, inputHeight: 64, inputWidth: 80, clipLength: 8, contextPreset: "torchvision",
      rpn: rpn,
      width: .eighth)
  }

  /// Writes `perClass` videos per class of `frames` frames (`width` × `height`) under a fresh temporary folder.
  init(perClass: Int = 2, frames: Int = 10, width: Int = 80, height: Int = 64) throws {
    root = NSTemporaryDirectory() + "train-synthetic-\(UUID().uuidString)"
    var videos: [String: VideoAnnotation] = [:]
    var ids: [String] = []
    let classes = ["left", "right"]
    for (label, name) in classes.enumerated() {
      for v in 0..<perClass {
        let id = "\(name)/v\(v)"
        try FileManager.default.createDirectory(atPath: "\(root)/\(id)", withIntermediateDirectories: true)
        var boxes: [Box] = []
        for f in 0..<frames {
          var image = RGBImage(width: width, height: height, fill: (40, 40, 40))
          let w = 24 + 4 * v
          let h = 28
          let t = frames > 1 ? Float(f) / Float(frames - 1) : 0
          let travel = Float(width - w - 4)
          let x = 2 + Int(label == 0 ? travel * (1 - t) : travel * t)
          let y = 10 + 6 * v
          let colour: (UInt8, UInt8, UInt8) = label == 0 ? (250, 230, 40) : (40, 220, 250)
          for yy in y..<min(height, y + h) {
            for xx in x..<min(width, x + w) {
              let p = (yy * width + xx) * 3
              image.pixels[p] = colour.0
              image.pixels[p + 1] = colour.1
              image.pixels[p + 2] = colour.2
            }
          }
          try image.writePNG(to: "\(root)/\(id)/" + String(format: "%05d.png", f + 1))
          boxes.append(Box(x1: Float(x), y1: Float(y), x2: Float(x + w - 1), y2: Float(y + h - 1)))
        }
        videos[id] = VideoAnnotation(
          frameCount: frames, height: height, width: width,
          tubes: [GroundTruthTube(label: label, frames: Array(1...frames), boxes: boxes)])
        ids.append(id)
      }
    }
    self.videos = ids
    groundTruth = GroundTruth(labels: classes, trainVideos: [ids], testVideos: [ids], videos: videos)
  }

  /// Every annotated frame of the set as a training example.
  var examples: [TrainingExample] { TrainingExample.all(in: groundTruth, videos: videos) }

  /// A builder of the tiny detector's samples from the set's frames.
  func sampleBuilder(augmentation: Augmentation = Augmentation()) -> SampleBuilder {
    SampleBuilder(
      framesRoot: root, frameCounts: groundTruth.videos.mapValues(\.frameCount),
      configuration: Self.configuration(), augmentation: augmentation)
  }

  /// Removes the folder.
  func remove() { try? FileManager.default.removeItem(atPath: root) }
}
