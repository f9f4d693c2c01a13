import Detection

/// Time-reversal augmentation: a clip played backwards is an example of another class (or of the
/// same one). Actions that are each other's reverse, such as sit down and stand up, differ only in
/// the order of their frames; training on both orders of the same clip, with the labels swapped,
/// leaves the network nothing but that order to tell them apart (no clothing, background or pose to
/// memorise per video).
public struct TimeReversal: Sendable, Equatable, Codable {
  /// The class a reversed clip of each class shows (0-based; symmetric: `partners[a] == b` exactly
  /// when `partners[b] == a`; a class may be its own partner).
  public var partners: [Int: Int]
  /// Chance that an eligible sample is reversed.
  public var probability: Float

  /// Reversal between the given partner classes with `probability`.
  public init(partners: [Int: Int], probability: Float = 0.5) {
    self.partners = partners
    self.probability = probability
  }

  /// Whether a keyframe with these boxes may be reversed: it has boxes, and every class of every box
  /// has a partner (one actor of another action would be mislabelled by the reversed clip).
  public func covers(_ boxes: [LabelledBox]) -> Bool {
    !boxes.isEmpty && boxes.allSatisfy { $0.classes.allSatisfy { partners[$0] != nil } }
  }

  /// `boxes` with every class replaced by its partner (only meaningful when ``covers(_:)``).
  public func relabelled(_ boxes: [LabelledBox]) -> [LabelledBox] {
    boxes.map { LabelledBox(box: $0.box, classes: $0.classes.map { partners[$0] ?? $0 }) }
  }

  /// The clip of keyframe `k` played backwards: position `i` holds frame `k + clipLength/2 − i`
  /// (clamped to `0 ..< count`), so the keyframe keeps its place in the clip (position
  /// `clipLength/2`, as in ``ActionDetector/clipIndices(keyframe:frameCount:clipLength:)``).
  public static func reversedClipIndices(keyframe k: Int, frameCount count: Int, clipLength: Int) -> [Int] {
    let half = clipLength / 2
    return (0..<clipLength).map { min(max(k + half - $0, 0), count - 1) }
  }

  /// Parses `A:B` (each the other's reverse) or `A` (its own reverse) against the dataset's
  /// `labels`; the message of a thrown error is one line naming the problem.
  public static func parse(_ specs: [String], labels: [String], probability: Float = 0.5) throws
    -> TimeReversal
  {
    var partners: [Int: Int] = [:]
    for spec in specs {
      let names = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard names.count == 1 || names.count == 2, names.allSatisfy({ !$0.isEmpty }) else {
        throw TrainingError.badTimeReversal("'\(spec)': expected CLASS:CLASS or CLASS")
      }
      let indices = try names.map { name in
        guard let index = labels.firstIndex(of: name) else {
          throw TrainingError.badTimeReversal(
            "'\(spec)': no class '\(name)' in the dataset (\(labels.joined(separator: ", ")))")
        }
        return index
      }
      let (a, b) = (indices[0], indices.last!)
      for (x, y) in [(a, b), (b, a)] where partners[x, default: y] != y {
        throw TrainingError.badTimeReversal(
          "'\(spec)': \(labels[x]) already reverses to \(labels[partners[x]!])")
      }
      partners[a] = b
      partners[b] = a
    }
    return TimeReversal(partners: partners, probability: probability)
  }
}
