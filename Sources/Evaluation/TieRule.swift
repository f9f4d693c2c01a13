/// How detections with equal scores are ordered before matching.
///
/// Ties decide the third decimal of frame-mAP when many detections share a score (ACT and MOC give
/// one tubelet score to K frames). Before ranking, the evaluator puts each label's detections in a
/// canonical input order: videos in split order, frames ascending, then file order within a frame.
/// This is ACT's `alldets` row order when the file lists each frame's boxes in that order.
public enum TieRule: String, CaseIterable, Sendable, Codable {
  /// Equal scores keep the canonical input order (earlier rows rank first).
  case stable
  /// The order numpy ≤ 1.24's introsort `argsort` gives (what ACT and MOC ran on; numpy ≥ 1.25 gives
  /// it too when it has no SIMD sort for the CPU): `act` and `voc` sort `-score`, `tfod` sorts
  /// `score` ascending and reverses it.
  case numpyLegacy = "numpy-legacy"

  /// One sentence stating the rule as applied by `protocol`, for reports.
  public func statement(for frameProtocol: FrameAPProtocol) -> String {
    switch (self, frameProtocol) {
    case (_, .yowo):
      return "ties: stable (Padilla sorts with Python's stable sort; equal scores keep input order: "
        + "video in split order, frame, file order)"
    case (.stable, _):
      return "ties: stable (equal scores keep input order: video in split order, frame, file order)"
    case (.numpyLegacy, .tfod):
      return "ties: numpy-legacy (numpy <= 1.24 introsort argsort of score ascending, reversed, "
        + "over input order)"
    case (.numpyLegacy, _):
      return "ties: numpy-legacy (numpy <= 1.24 introsort argsort of -score over input "
        + "order: video in split order, frame, file order)"
    }
  }
}
