import Primitives

/// How one box (an anchor or a proposal) was matched to the ground truth.
public enum BoxMatch: Hashable, Sendable {
  /// Matched to ground-truth box `index`: a positive (foreground) example.
  case foreground(Int)
  /// Below the background threshold: a negative example.
  case background
  /// Neither: never sampled, contributes nothing to any loss.
  case ignored

  /// The matched ground-truth index of a foreground match.
  public var groundTruthIndex: Int? {
    if case .foreground(let index) = self { return index }
    return nil
  }
}

/// IoU matching of boxes against ground truth (torchvision `Matcher`, TF OD API `ArgmaxMatcher`).
///
/// Each box takes the ground-truth box of highest IoU (the first on ties); it is
/// ``BoxMatch/foreground(_:)`` when that IoU is `≥ foregroundThreshold`, ``BoxMatch/background`` when
/// it is in `[backgroundLowerBound, backgroundThreshold)`, ``BoxMatch/ignored`` otherwise (between the
/// thresholds, or below the lower bound). With ``allowLowQualityMatches``, every box whose IoU with some
/// ground-truth box equals that box's best IoU over all boxes (ties included) becomes foreground,
/// matched to *its own* best ground-truth box (torchvision `set_low_quality_matches_`; TF's
/// `force_match_for_each_row` keeps one box per row). Unlike torchvision, a ground-truth box whose best
/// IoU is 0 forces nothing (torchvision would make every box that misses it foreground).
///
/// IoU is `Box.iou(with:)` (continuous, no +1), `inter / (area₁ + area₂ − inter)`: bit-identical to
/// torchvision's `box_iou` in float32. A degenerate ground-truth box (zero width or height) has IoU 0
/// with everything and so matches nothing.
public struct BoxMatcher: Sendable, Equatable, Codable {
  /// IoU at or above which a box is foreground.
  public var foregroundThreshold: Float
  /// IoU below which (and at or above ``backgroundLowerBound``) a box is background.
  public var backgroundThreshold: Float
  /// Smallest IoU of a background box (0: every box below ``backgroundThreshold``).
  public var backgroundLowerBound: Float
  /// Whether each ground-truth box's best boxes (ties included) are forced to foreground.
  public var allowLowQualityMatches: Bool

  /// A matcher with the given thresholds (`backgroundLowerBound ≤ backgroundThreshold ≤ foregroundThreshold`).
  public init(
    foregroundThreshold: Float, backgroundThreshold: Float, backgroundLowerBound: Float = 0,
    allowLowQualityMatches: Bool
  ) {
    precondition(
      backgroundLowerBound <= backgroundThreshold && backgroundThreshold <= foregroundThreshold,
      "BoxMatcher: thresholds \(backgroundLowerBound) <= \(backgroundThreshold) <= \(foregroundThreshold) expected"
    )
    self.foregroundThreshold = foregroundThreshold
    self.backgroundThreshold = backgroundThreshold
    self.backgroundLowerBound = backgroundLowerBound
    self.allowLowQualityMatches = allowLowQualityMatches
  }

  /// The RPN's matcher: foreground IoU ≥ 0.7, background < 0.3, best anchors forced (TF OD API
  /// `('FasterRCNN', 'proposal')`, torchvision `rpn.proposal_matcher`).
  public static let rpn = BoxMatcher(
    foregroundThreshold: 0.7, backgroundThreshold: 0.3, allowLowQualityMatches: true)

  /// The second stage's matcher: foreground IoU ≥ 0.5, background in [0, 0.5), nothing forced
  /// (TF OD API `('FasterRCNN', 'detection')` with `negatives_lower_than_unmatched`, torchvision
  /// `roi_heads.proposal_matcher`).
  public static let head = BoxMatcher(
    foregroundThreshold: 0.5, backgroundThreshold: 0.5, allowLowQualityMatches: false)

  /// The match of every box against `groundTruth`; boxes whose `eligible` entry is false are
  /// ``BoxMatch/ignored`` and take no part in the matching (as if pruned, TF OD API style).
  ///
  /// With no ground truth every eligible box above the lower bound is background.
  public func match(_ boxes: [Box], to groundTruth: [Box], eligible: [Bool]? = nil) -> [BoxMatch] {
    if let eligible {
      precondition(
        eligible.count == boxes.count, "BoxMatcher: \(eligible.count) flags for \(boxes.count) boxes")
    }
    let isEligible: (Int) -> Bool = { eligible?[$0] ?? true }
    // Best ground truth of every box (first on ties), and best IoU of every ground-truth box.
    var bestIoU = [Float](repeating: -1, count: boxes.count)
    var bestIndex = [Int](repeating: -1, count: boxes.count)
    var groundTruthBest = [Float](repeating: 0, count: groundTruth.count)
    for b in boxes.indices where isEligible(b) {
      for (g, truth) in groundTruth.enumerated() {
        let iou = boxes[b].iou(with: truth)
        if iou > bestIoU[b] { (bestIoU[b], bestIndex[b]) = (iou, g) }
        groundTruthBest[g] = max(groundTruthBest[g], iou)
      }
    }
    var result = [BoxMatch](repeating: .ignored, count: boxes.count)
    for b in boxes.indices where isEligible(b) {
      let iou = groundTruth.isEmpty ? 0 : bestIoU[b]
      if iou >= foregroundThreshold {
        result[b] = .foreground(bestIndex[b])
      } else if iou < backgroundThreshold && iou >= backgroundLowerBound {
        result[b] = .background
      }
    }
    guard allowLowQualityMatches else { return result }
    for b in boxes.indices where isEligible(b) {
      for (g, truth) in groundTruth.enumerated() where groundTruthBest[g] > 0 {
        if boxes[b].iou(with: truth) == groundTruthBest[g] {
          result[b] = .foreground(bestIndex[b])
          break
        }
      }
    }
    return result
  }
}
