import Datasets
import Evaluation
import Foundation
import Media
import Primitives
import Rendering

/// `detect --tubes`: once the whole video is detected, links its detections into tubes, writes
/// `tubes.csv` beside `detections.csv`, and draws every frame with the tubes crossing it, each box
/// captioned `#<id> <label> <tube score>` in its tube's colour.
///
/// A tube's id and score are known only at the end of the video, so the frames are drawn in a second
/// pass that decodes the video again (memory stays bounded: only the detections are kept).
struct DetectTubes {
  /// Linking method.
  var linking: TubeLinking
  /// Every N-th frame is a keyframe.
  var every: Int
  /// Class names (the detector's), by class index.
  var classes: [String]
  /// Output folder.
  var directory: String
  /// Whether to stamp every frame "UNTRAINED WEIGHTS".
  var untrained: Bool
  /// Outline thickness in pixels.
  var thickness = 2

  /// The tubes file's name.
  static let fileName = "tubes.csv"

  /// Each keyframe's rows on every frame that shows them: keyframe `k` (1-based) on frames
  /// `k … k + every − 1` (up to `frameCount`), as `detect`'s frames show it. Tubes then span the
  /// frames their boxes are drawn on, and the linkers' lengths and gaps (ACT's 15-frame minimum,
  /// ROAD's 3 missed frames) count video frames whatever `--every` is. Rows keep their order
  /// within each frame.
  static func spread(_ rows: [FrameDetection], every: Int, frameCount: Int) -> [FrameDetection] {
    guard every > 1 else { return rows }
    var out: [FrameDetection] = []
    out.reserveCapacity(rows.count * every)
    for row in rows {
      for frame in row.frame..<min(row.frame + every, frameCount + 1) {
        var copy = row
        copy.frame = frame
        out.append(copy)
      }
    }
    return out
  }

  /// The numbered tubes of one video's rows (`detections.csv`'s, keyframes only) over `frameCount`
  /// frames of `width` × `height` pixels.
  func link(_ rows: [FrameDetection], frameCount: Int, width: Int, height: Int) -> NumberedTubes {
    let tubes = linking.tubes(
      linking: Self.spread(rows, every: every, frameCount: frameCount), labels: classes,
      frameCount: frameCount, frameSize: (width, height))
    return NumberedTubes(tubes, labels: classes)
  }

  /// Writes `directory/tubes.csv` (``NumberedTubes/csv(video:path:)``) atomically.
  func write(_ tubes: NumberedTubes, video: String) throws {
    let path = "\(directory)/\(Self.fileName)"
    try OutputFile.write(try tubes.csv(video: video, path: path), to: path)
  }

  /// Decodes `video` again and writes its first `frameCount` frames as `%05d.png` with `tubes`
  /// drawn; `progress` gets the count after each frame.
  /// - Throws: the reader's and the PNG writer's errors, and
  ///   ``DetectCommandError/videoChanged(path:expected:found:)`` when the video now has fewer frames.
  func drawFrames(
    of video: String, frameCount: Int, tubes: NumberedTubes, progress: (Int) -> Void = { _ in }
  ) throws {
    let reader = try VideoReader(path: video)
    let boxes = tubes.boxesByFrame()
    var written = 0
    while written < frameCount, var image = try reader.nextFrame() {
      written += 1
      image.drawTubes(boxes[written] ?? [], thickness: thickness)
      if untrained { image.drawBanner("UNTRAINED WEIGHTS - NOT REAL DETECTIONS") }
      try image.writePNG(to: "\(directory)/\(String(format: "%05d", written)).png")
      progress(written)
    }
    guard written == frameCount else {
      throw DetectCommandError.videoChanged(path: video, expected: frameCount, found: written)
    }
  }
}
