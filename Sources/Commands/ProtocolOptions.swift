import ArgumentParser
import Evaluation

extension FrameAPProtocol: ExpressibleByArgument {}
extension TieRule: ExpressibleByArgument {}

/// How to score: protocol, tie rule and IoU threshold (shared by evaluation commands).
public struct ProtocolOptions: ParsableArguments {
  /// The frame-AP protocol.
  @Option(help: "Frame-AP protocol: act (default), voc, tfod or yowo (see the discussion above).")
  public var `protocol`: FrameAPProtocol = .act

  /// The tie rule.
  @Option(
    help: ArgumentHelp(
      "Order of equal scores: stable (default; input order) or numpy-legacy (numpy <= 1.24 argsort, "
        + "what ACT and MOC ran on).", valueName: "rule"))
  public var ties: TieRule = .stable

  /// IoU threshold.
  @Option(help: "IoU threshold; a detection matches a box when IoU >= this (0 < t <= 1).")
  public var iou: Double = 0.5

  /// Creates the options with their defaults.
  public init() {}

  /// Checks the threshold.
  public func validate() throws {
    guard iou > 0 && iou <= 1 else {
      throw ValidationError("--iou must be in (0, 1], got \(iou)")
    }
  }
}
