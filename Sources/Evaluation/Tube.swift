import Datasets
import Primitives

/// An action tube: one label, one score, and one box on every frame of a contiguous frame range.
///
/// Frames are 1-based; `boxes[i]` is the box on frame `firstFrame + i`, so the tube maps every
/// frame of `firstFrame...lastFrame` to a box. This is the tube of ACT and MOC (`ACT_utils.py`:
/// "numpy array with nframes rows and 5 columns (frame, x1, y1, x2, y2)"), whose spatio-temporal
/// IoU assumes exactly such gap-free rows.
public struct Tube: Hashable, Sendable {
  /// 0-based index into the dataset's label list.
  public var label: Int
  /// Tube confidence (for linked tubes: the mean score of its per-frame detections).
  public var score: Float
  /// 1-based number of the first frame.
  public var firstFrame: Int
  /// One box per frame, from `firstFrame` on; never empty.
  public var boxes: [Box]

  /// Creates a tube; `boxes` must not be empty.
  public init(label: Int, score: Float, firstFrame: Int, boxes: [Box]) {
    precondition(!boxes.isEmpty, "a tube needs at least one box")
    self.label = label
    self.score = score
    self.firstFrame = firstFrame
    self.boxes = boxes
  }

  /// 1-based number of the last frame.
  public var lastFrame: Int { firstFrame + boxes.count - 1 }

  /// The tube's box on 1-based `frame`, or `nil` outside `firstFrame...lastFrame`.
  public func box(atFrame frame: Int) -> Box? {
    frame >= firstFrame && frame <= lastFrame ? boxes[frame - firstFrame] : nil
  }

  /// A ground-truth tube as a scored tube (score 1), or `nil` when its frames are not consecutive
  /// (ACT's spatio-temporal IoU cannot score such a tube: the reference fails on it).
  public init?(groundTruth tube: GroundTruthTube) {
    guard let first = tube.frames.first,
      tube.frames.enumerated().allSatisfy({ $0.element == first + $0.offset })
    else { return nil }
    self.init(label: tube.label, score: 1, firstFrame: first, boxes: tube.boxes)
  }
}
