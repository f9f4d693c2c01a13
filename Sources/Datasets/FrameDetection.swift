import Primitives

/// One detection on one frame: a row of the detections file
/// (`video,frame,label,score,x1,y1,x2,y2`).
public struct FrameDetection: Hashable, Sendable {
  /// Video id, for example `SalsaSpin/v_SalsaSpin_g03_c01`.
  public var video: String
  /// 1-based frame number.
  public var frame: Int
  /// Class name.
  public var label: String
  /// Confidence; higher is more confident.
  public var score: Float
  /// Box in source pixels.
  public var box: Box

  /// Creates a detection.
  public init(video: String, frame: Int, label: String, score: Float, box: Box) {
    self.video = video
    self.frame = frame
    self.label = label
    self.score = score
    self.box = box
  }
}
