import Primitives

/// One ground-truth action tube: a label and one box per annotated frame.
///
/// Frames are 1-based (frame `f` is image `%05d.png` of the dataset). Boxes follow the file they
/// were read from; for the ACT-format pickles they are 0-based inclusive pixel indices
/// (`x2 = 319` is the last column of a 320-wide frame), which is why the `act` and `yowo`
/// protocols add 1 pixel in their IoU.
public struct GroundTruthTube: Hashable, Sendable {
  /// 0-based index into ``GroundTruth/labels``.
  public var label: Int
  /// 1-based frame numbers, ascending, one per row of `boxes`.
  public var frames: [Int]
  /// One box per entry of `frames`.
  public var boxes: [Box]

  /// Creates a tube; `frames` and `boxes` must have the same count.
  public init(label: Int, frames: [Int], boxes: [Box]) {
    precondition(frames.count == boxes.count, "a tube needs one box per frame")
    self.label = label
    self.frames = frames
    self.boxes = boxes
  }
}

/// Everything known about one video of a dataset.
public struct VideoAnnotation: Hashable, Sendable {
  /// Number of frames in the video.
  public var frameCount: Int
  /// Frame height in pixels.
  public var height: Int
  /// Frame width in pixels.
  public var width: Int
  /// The video's tubes, in file order.
  public var tubes: [GroundTruthTube]

  /// Creates a video annotation.
  public init(frameCount: Int, height: Int, width: Int, tubes: [GroundTruthTube]) {
    self.frameCount = frameCount
    self.height = height
    self.width = width
    self.tubes = tubes
  }
}

/// A dataset's ground truth in the ACT layout (`JHMDB-GT.pkl`, `UCF101v2-GT.pkl`).
///
/// Video ids are `class/video` strings (`brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0`).
public struct GroundTruth: Sendable {
  /// Class names; a tube's `label` indexes this list.
  public var labels: [String]
  /// Training video ids per split (index 0 is split 1).
  public var trainVideos: [[String]]
  /// Test video ids per split (index 0 is split 1), in file order.
  public var testVideos: [[String]]
  /// Per-video annotation, by video id.
  public var videos: [String: VideoAnnotation]

  /// Creates a ground-truth set.
  public init(
    labels: [String], trainVideos: [[String]], testVideos: [[String]],
    videos: [String: VideoAnnotation]
  ) {
    self.labels = labels
    self.trainVideos = trainVideos
    self.testVideos = testVideos
    self.videos = videos
  }
}
