/// The second stage: how ROI features are pooled and which network runs on them.
///
/// Variants (speed/accuracy switches, measured by the benchmark, never silent):
/// - ``Tail/perROI`` + ``ROICrop3D/TemporalMode/keep``: the paper's head ("Head A"): each
///   `[528, 5, 7, 7]` ROI tube of `Mixed_4e` runs `Mixed_4f`, `MaxPool_5a`, `Mixed_5b`, `Mixed_5c`,
///   then a mean over T, H, W;
/// - ``Tail/perROI`` + ``ROICrop3D/TemporalMode/average``: the same tail on time-averaged ROIs (T = 1);
/// - ``Tail/shared``: the tail runs once on the whole `Mixed_4e` map and the ROIs are pooled from
///   `Mixed_5c` (stride 32), then averaged over T, H, W ("Head D", ~30× cheaper, a different model).
///
/// Both end in `head.classifier` (`[classes + 1, 1024]` with softmax, class 0 = background, or
/// `[classes, 1024]` with sigmoid) and `head.boxes` (`[4 · classes, 1024]`, class-specific deltas).
public struct HeadConfiguration: Sendable, Equatable, Codable {
  /// Where the S3D-G tail runs.
  public enum Tail: String, Sendable, Equatable, CaseIterable, Codable {
    /// On every ROI tube cropped from `Mixed_4e`.
    case perROI
    /// Once on the whole `Mixed_4e` map; ROIs cropped from `Mixed_5c`.
    case shared
  }

  /// How class scores are made.
  public enum Scoring: String, Sendable, Equatable, CaseIterable, Codable {
    /// Softmax over the classes and a background class (index 0): one action per box.
    case softmax
    /// Independent sigmoids, no background (multi-label, AVA style).
    case sigmoid
  }

  /// Tail placement.
  public var tail: Tail
  /// ROI crop (crop size, max pool, time axis); its stride is set from ``tail``.
  public var crop: ROICrop3D
  /// Score function.
  public var scoring: Scoring

  /// The paper's head: per-ROI tail on 14×14 crops max-pooled to 7×7, time kept, softmax.
  public init(tail: Tail = .perROI, crop: ROICrop3D = ROICrop3D(), scoring: Scoring = .softmax) {
    self.tail = tail
    self.crop = crop
    self.scoring = scoring
    self.crop.stride = tail == .perROI ? 16 : 32
  }

  /// Rows of `head.classifier` for `classes` classes.
  public func classifierRows(classes: Int) -> Int { scoring == .softmax ? classes + 1 : classes }
}
