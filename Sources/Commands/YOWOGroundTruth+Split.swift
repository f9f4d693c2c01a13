import Datasets
import Primitives

extension YOWOGroundTruth {
  /// YOWO's per-frame boxes in the ACT layout the evaluator reads: labels, frame counts and test
  /// splits come from `base` (the dataset's shipped ground truth), every box becomes a one-frame
  /// tube, in file-name then line order. Videos YOWO does not annotate keep no boxes.
  func groundTruth(base: GroundTruth) -> GroundTruth {
    var tubes: [String: [GroundTruthTube]] = [:]
    var lastFrame: [String: Int] = [:]
    for key in frames {
      for labeled in boxes[key] ?? [] {
        tubes[key.video, default: []].append(
          GroundTruthTube(label: labeled.label, frames: [key.frame], boxes: [labeled.box]))
      }
      lastFrame[key.video] = max(lastFrame[key.video] ?? 0, key.frame)
    }
    var videos: [String: VideoAnnotation] = [:]
    for (video, annotation) in base.videos {
      videos[video] = VideoAnnotation(
        frameCount: annotation.frameCount, height: annotation.height, width: annotation.width,
        tubes: tubes[video] ?? [])
    }
    for (video, list) in tubes where videos[video] == nil {
      videos[video] = VideoAnnotation(frameCount: lastFrame[video] ?? 0, height: 240, width: 320, tubes: list)
    }
    return GroundTruth(
      labels: base.labels, trainVideos: base.trainVideos, testVideos: base.testVideos, videos: videos)
  }
}
