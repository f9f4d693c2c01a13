import Datasets
import Foundation
import Media
import Primitives
import Rendering

/// The work behind `render-annotations`: decode a video, draw one video's ground truth (and
/// optionally detections, classified against it) on every frame, write `%05d.png` files.
struct AnnotationRenderer {
  /// Video file or frame folder.
  var videoPath: String
  /// The video's ground truth, if any.
  var groundTruth: (labels: [String], video: VideoAnnotation)?
  /// Detections (or tube boxes) of this video, by 1-based frame; `nil` when no detections file was
  /// given.
  var detections: [Int: [ReviewBox]]?
  /// Whether ``detections`` are tube boxes: without ground truth they are then coloured by tube
  /// (``RGBImage/drawTubes(_:thickness:)``, as `detect --tubes` draws them), not as false positives.
  var tubes = false
  /// Output directory (created when missing).
  var outputDirectory: String
  /// IoU at which a detection counts as finding a ground-truth box.
  var iouThreshold: Float = 0.5
  /// Outline thickness in pixels.
  var thickness = 2

  /// What a run produced.
  struct Summary: Equatable {
    /// Frames decoded and written.
    var frames: Int
    /// Ground-truth boxes drawn.
    var groundTruthBoxes: Int
    /// Detection boxes drawn.
    var detectionBoxes: Int
  }

  /// Renders every frame; `progress` is called after each one with the count so far.
  func run(progress: (Int) -> Void = { _ in }) throws -> Summary {
    let reader = try VideoReader(path: videoPath)
    try OutputDirectory.create(outputDirectory)
    var summary = Summary(frames: 0, groundTruthBoxes: 0, detectionBoxes: 0)
    let boxesByFrame = groundTruthByFrame(frameWidth: reader.width, frameHeight: reader.height)
    while var frame = try reader.nextFrame() {
      let number = summary.frames + 1
      let truth = boxesByFrame[number] ?? []
      let found = detections?[number] ?? []
      if tubes, groundTruth == nil {
        frame.drawTubes(found, thickness: thickness)
      } else {
        frame.drawReview(
          groundTruth: truth, detections: found, compareWithDetections: detections != nil,
          iouThreshold: iouThreshold, thickness: thickness)
      }
      try frame.writePNG(to: outputDirectory + "/" + Self.frameName(number))
      summary.frames = number
      summary.groundTruthBoxes += truth.count
      summary.detectionBoxes += found.count
      progress(number)
    }
    return summary
  }

  /// `00001.png` for frame 1, as the datasets name their frames.
  static func frameName(_ number: Int) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".png"
  }

  /// Ground-truth boxes per 1-based frame, scaled from the annotation's resolution to the
  /// decoded frame's (the public UCF-101-24 clips are 340×256; the annotations are 320×240).
  /// ACT-format boxes are inclusive pixel indices, so their right and bottom edges scale as
  /// `(x2 + 1) · s − 1`, keeping the box on the same pixels.
  func groundTruthByFrame(frameWidth: Int, frameHeight: Int) -> [Int: [ReviewBox]] {
    guard let (labels, video) = groundTruth else { return [:] }
    let sx = video.width > 0 ? Float(frameWidth) / Float(video.width) : 1
    let sy = video.height > 0 ? Float(frameHeight) / Float(video.height) : 1
    var result: [Int: [ReviewBox]] = [:]
    for tube in video.tubes {
      let name = labels.indices.contains(tube.label) ? labels[tube.label] : "class \(tube.label)"
      for (frame, b) in zip(tube.frames, tube.boxes) {
        let box = Box(x1: b.x1 * sx, y1: b.y1 * sy, x2: (b.x2 + 1) * sx - 1, y2: (b.y2 + 1) * sy - 1)
        result[frame, default: []].append(ReviewBox(label: name, box: box))
      }
    }
    return result
  }
}
