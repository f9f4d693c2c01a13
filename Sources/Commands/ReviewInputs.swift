import ArgumentParser
import Datasets
import Evaluation
import Rendering

/// Picking one video's annotations and detections out of dataset-wide files.
enum ReviewInputs {
  /// The ground-truth id of the video: `given` if the file has it; otherwise the one id whose
  /// last component ends the video's file name (`ucf24_v_SalsaSpin_g03_c01.mp4` →
  /// `SalsaSpin/v_SalsaSpin_g03_c01`).
  static func videoID(given: String?, videoPath: String, in truth: GroundTruth, gtPath: String) throws
    -> String
  {
    if let given {
      guard truth.videos[given] != nil else {
        throw ValidationError("\(gtPath) has no video \"\(given)\" (ids look like \(example(truth))).")
      }
      return given
    }
    var stem = String(videoPath.split(separator: "/").last ?? "")
    if let dot = stem.lastIndex(of: "."), stem[dot...].count <= 5 { stem = String(stem[..<dot]) }
    let matches = truth.videos.keys.filter { id in
      let last = id.split(separator: "/").last.map(String.init) ?? id
      return stem == last || stem.hasSuffix("_" + last)
    }
    guard matches.count == 1 else {
      throw ValidationError(
        "Cannot tell which video of \(gtPath) \(videoPath) is (\(matches.count) candidates); "
          + "pass --video-id, e.g. --video-id \(matches.sorted().first ?? example(truth)).")
    }
    return matches[0]
  }

  /// Detections of `video` scoring at least `minimumScore`, grouped by 1-based frame.
  static func detections(
    of video: String, in all: [FrameDetection], minimumScore: Float
  ) -> [Int: [ReviewBox]] {
    Dictionary(grouping: all.filter { $0.video == video && $0.score >= minimumScore }, by: \.frame)
      .mapValues { $0.map { ReviewBox(label: $0.label, score: $0.score, box: $0.box) } }
  }

  /// The tubes of `video`'s detections, linked as `eval-videomap --linking` links them, as
  /// per-frame boxes carrying their label, the tube's score and its id (``NumberedTubes``: ids per
  /// video, best tube first); tubes scoring under `minimumScore` are left out. `labels` and
  /// `frameCount` come from the ground truth when there is one; otherwise the detections' labels
  /// (sorted) and their last frame.
  static func tubeDetections(
    of video: String, in all: [FrameDetection], linking: TubeLinking = .act, labels: [String]?,
    frameCount: Int?, minimumScore: Float
  ) -> [Int: [ReviewBox]] {
    let rows = all.filter { $0.video == video }
    let names = labels ?? Array(Set(rows.map(\.label))).sorted()
    let tubes = linking.tubes(
      linking: rows, labels: names, frameCount: frameCount ?? (rows.map(\.frame).max() ?? 0))
    return NumberedTubes(tubes, labels: names, minimumScore: minimumScore).boxesByFrame()
  }

  private static func example(_ truth: GroundTruth) -> String {
    truth.videos.keys.min() ?? "class/video"
  }
}
