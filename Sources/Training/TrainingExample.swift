import Datasets
import Detection
import Primitives

/// One candidate keyframe: an annotated frame of a training video with every box annotated on it.
public struct TrainingExample: Sendable, Equatable {
  /// Video id (`class/video`), also its folder under the frames root.
  public var video: String
  /// 0-based frame index of the keyframe (ground-truth frame `f` is index `f − 1`).
  public var keyframe: Int
  /// Boxes in source pixels (0-based `x1, y1, x2, y2`), classes 0-based.
  public var boxes: [LabelledBox]

  /// An example of keyframe `keyframe` of `video`.
  public init(video: String, keyframe: Int, boxes: [LabelledBox]) {
    self.video = video
    self.keyframe = keyframe
    self.boxes = boxes
  }

  /// Every annotated frame of `videos` as an example, videos in the given order, frames ascending;
  /// boxes of tubes sharing a frame are gathered (same box, several labels: one box, several classes).
  public static func all(in groundTruth: GroundTruth, videos: [String]) -> [TrainingExample] {
    var examples: [TrainingExample] = []
    for video in videos {
      guard let annotation = groundTruth.videos[video] else { continue }
      var byFrame: [Int: [LabelledBox]] = [:]
      for tube in annotation.tubes {
        for (frame, box) in zip(tube.frames, tube.boxes) {
          var boxes = byFrame[frame, default: []]
          if let same = boxes.firstIndex(where: { $0.box == box }) {
            if !boxes[same].classes.contains(tube.label) { boxes[same].classes.append(tube.label) }
          } else {
            boxes.append(LabelledBox(box: box, classIndex: tube.label))
          }
          byFrame[frame] = boxes
        }
      }
      for frame in byFrame.keys.sorted() {
        examples.append(TrainingExample(video: video, keyframe: frame - 1, boxes: byFrame[frame]!))
      }
    }
    return examples
  }
}
