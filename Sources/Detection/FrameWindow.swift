import Primitives

/// The frames of a video from a moving lower bound to the last one appended, addressed by their
/// 0-based index in the video: what a streaming consumer still needs of what it has read.
struct FrameWindow {
  /// Index of the oldest frame held.
  private(set) var first = 0
  private var frames: [RGBImage] = []

  /// Index one past the newest frame held (the number of frames appended so far).
  var end: Int { first + frames.count }

  /// Frames held.
  var count: Int { frames.count }

  /// Appends the frame of index ``end``.
  mutating func append(_ frame: RGBImage) {
    frames.append(frame)
  }

  /// Frame `index`, which must be held (`first ..< end`).
  subscript(index: Int) -> RGBImage {
    precondition(index >= first && index < end, "FrameWindow: frame \(index) not held (\(first)..<\(end))")
    return frames[index - first]
  }

  /// Forgets the frames before `index` (never the newest one).
  mutating func drop(below index: Int) {
    let n = min(max(index - first, 0), frames.count - 1)
    guard n > 0 else { return }
    frames.removeFirst(n)
    first += n
  }
}
