/// The settings of TV-L1 optical flow; the defaults are OpenCV's
/// (`cv2.optflow.DualTVL1OpticalFlow_create()` with no arguments).
///
/// Names follow OpenCV's `DualTVL1OpticalFlow` setters. `gamma` (the illumination term) is not
/// offered: OpenCV's default of 0 disables it, and that is the only setting implemented.
public struct TVL1Parameters: Sendable, Equatable {
  /// Time step of the dual (Chambolle) update; stable for `tau ≤ 0.25`.
  public var tau = 0.25
  /// Weight of the data term: smaller values give smoother flow.
  public var lambda = 0.15
  /// Coupling between the flow `u` and its auxiliary variable `v`.
  public var theta = 0.3
  /// Pyramid levels, finest included (fewer when a level would be under 16 pixels on a side).
  public var scales = 5
  /// Warpings per pyramid level: how often frame 1 is re-warped by the current flow.
  public var warps = 5
  /// Stopping threshold: a warping stops iterating once the sum over pixels of the squared flow
  /// update falls to `epsilon² × pixels`.
  public var epsilon = 0.01
  /// Dual iterations between median filterings.
  public var innerIterations = 30
  /// Median filterings (each followed by `innerIterations` iterations) per warping.
  public var outerIterations = 10
  /// Ratio of one pyramid level's size to the next finer one's.
  public var scaleStep = 0.8
  /// Side of the median filter applied to the flow (1 disables it; OpenCV allows 3 or 5 on floats).
  public var medianFiltering = 5

  /// OpenCV's defaults.
  public init() {}

  /// A one-line reason the settings are unusable, or `nil` when they are fine.
  public var problem: String? {
    if !(tau > 0 && tau <= 0.25) { return "tau must be in (0, 0.25], got \(tau)" }
    if !(lambda > 0) { return "lambda must be positive, got \(lambda)" }
    if !(theta > 0) { return "theta must be positive, got \(theta)" }
    if scales < 1 { return "scales must be at least 1, got \(scales)" }
    if warps < 1 { return "warps must be at least 1, got \(warps)" }
    if !(epsilon >= 0) { return "epsilon must not be negative, got \(epsilon)" }
    if innerIterations < 1 { return "innerIterations must be at least 1, got \(innerIterations)" }
    if outerIterations < 1 { return "outerIterations must be at least 1, got \(outerIterations)" }
    if !(scaleStep > 0 && scaleStep < 1) { return "scaleStep must be in (0, 1), got \(scaleStep)" }
    if ![1, 3, 5].contains(medianFiltering) {
      return "medianFiltering must be 1, 3 or 5, got \(medianFiltering)"
    }
    return nil
  }
}
