/// What to generate: how many videos, from which seed, at which size, and how they are split.
public struct SyntheticConfiguration: Equatable, Sendable {
  /// Number of videos; video `i` (0-based) shows action `i mod 10` (``SyntheticAction/allCases``).
  public var videoCount: Int
  /// Seed of the whole set; video `i` draws from an independent stream derived from it.
  public var seed: UInt64
  /// Number of test videos: the last ones by index (classes stay balanced within one video).
  public var testCount: Int
  /// Frame width in pixels.
  public var width = 320
  /// Frame height in pixels.
  public var height = 240
  /// Frames per video, drawn uniformly from this range.
  public var frameCounts = 40...80
  /// Chance that an acting figure idles before and/or after its action (unannotated frames).
  public var idleProbability: Float = 1.0 / 3
  /// An actor's frame is annotated only when at least this many of its pixels are visible.
  public var minimumVisiblePixels = 16
  /// JPEG quantiser scale (1 best … 31 worst).
  public var jpegQuality = 3

  /// A configuration of `videoCount` videos from `seed` with `testCount` test videos and the
  /// default size (320 × 240, 40–80 frames).
  public init(videoCount: Int, seed: UInt64, testCount: Int) {
    self.videoCount = videoCount
    self.seed = seed
    self.testCount = testCount
  }

  /// The test count for a fraction `ratio` of `videoCount` videos (rounded, at least 1 when
  /// `ratio > 0` and at most `videoCount - 1` when there are 2 or more videos).
  public static func testCount(videoCount: Int, ratio: Double) -> Int {
    guard ratio > 0 else { return 0 }
    let raw = Int((Double(videoCount) * ratio).rounded())
    return min(max(raw, 1), max(videoCount - 1, 1))
  }

  /// Checks every field.
  ///
  /// - Throws: ``SyntheticError/invalidArgument(_:)`` naming the field, the allowed range and the
  ///   value given.
  public func validate() throws(SyntheticError) {
    func bad(_ message: String) -> SyntheticError { .invalidArgument(message) }
    guard (1...100_000).contains(videoCount) else {
      throw bad("--videos must be 1...100000, got \(videoCount)")
    }
    guard (0...videoCount).contains(testCount) else {
      throw bad("--test-videos must be 0...\(videoCount) (the number of videos), got \(testCount)")
    }
    guard (32...4096).contains(width), (32...4096).contains(height), width % 2 == 0, height % 2 == 0 else {
      throw bad("frame size must be even and 32...4096 pixels, got \(width)x\(height)")
    }
    guard frameCounts.lowerBound >= 2, frameCounts.upperBound <= 99_999 else {
      throw bad("frames per video must be 2...99999, got \(frameCounts)")
    }
    guard (0...1).contains(idleProbability) else {
      throw bad("idle probability must be 0...1, got \(idleProbability)")
    }
    guard minimumVisiblePixels >= 1 else {
      throw bad("minimum visible pixels must be at least 1, got \(minimumVisiblePixels)")
    }
    guard (1...31).contains(jpegQuality) else { throw bad("JPEG quality must be 1...31, got \(jpegQuality)") }
  }
}

/// Why synthetic data could not be generated; every description is one line.
public enum SyntheticError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An argument is out of range; the message names it, the allowed values and the value given.
  case invalidArgument(String)
  /// A file or folder could not be created, written or renamed.
  case io(path: String, step: String, reason: String)
  /// A frame could not be encoded (FFmpeg's message).
  case encoding(video: String, frame: Int, message: String)

  /// One line saying what failed.
  public var description: String {
    switch self {
    case .invalidArgument(let message): return message
    case .io(let path, let step, let reason): return "\(path): \(step) failed: \(reason)"
    case .encoding(let video, let frame, let message): return "\(video) frame \(frame): \(message)"
    }
  }
}
