import Primitives

/// One detection of one keyframe: a box, a class and its score.
public struct DetectedAction: Sendable, Equatable {
  /// Box in the coordinates of the image the detector was given (see ``Geometry``).
  public var box: Box
  /// Class index, 0-based, into ``DetectorConfiguration/classes`` (no background entry).
  public var classIndex: Int
  /// Class score in [0, 1] (softmax probability or sigmoid, per ``HeadConfiguration/scoring``).
  public var score: Float

  /// A detection from its parts.
  public init(box: Box, classIndex: Int, score: Float) {
    self.box = box
    self.classIndex = classIndex
    self.score = score
  }
}
