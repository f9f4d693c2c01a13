/// The region proposal network's settings (TF OD API first stage; ../shared/reference/detector_architecture.md §2.2).
public struct RPNConfiguration: Sendable, Equatable, Codable {
  /// Anchors (12 per position by default).
  public var anchors: AnchorGenerator
  /// Channels of the 3×3 conv (512).
  public var hiddenChannels: Int
  /// Anchors with the highest objectness kept before NMS.
  public var preNMSTopN: Int
  /// IoU threshold of the proposal NMS (0.7).
  public var nmsThreshold: Float
  /// Proposals kept after NMS (300).
  public var proposals: Int
  /// Proposals narrower or lower than this (input pixels) after clipping are dropped.
  public var minimumSize: Float

  /// The paper's settings: standard anchors, 512 channels, 6000 pre-NMS, NMS 0.7, 300 proposals.
  public init(
    anchors: AnchorGenerator = .standard, hiddenChannels: Int = 512, preNMSTopN: Int = 6000,
    nmsThreshold: Float = 0.7, proposals: Int = 300, minimumSize: Float = 1e-3
  ) {
    self.anchors = anchors
    self.hiddenChannels = hiddenChannels
    self.preNMSTopN = preNMSTopN
    self.nmsThreshold = nmsThreshold
    self.proposals = proposals
    self.minimumSize = minimumSize
  }
}
