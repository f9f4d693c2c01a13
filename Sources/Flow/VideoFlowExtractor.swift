import Media

/// Computes TV-L1 flow between every two consecutive frames of a video and stores it with a
/// ``FlowImageWriter``: pair `n` (1-based) is the flow from frame `n` to frame `n + 1`.
///
/// Frames are converted to grey (``GrayImage/init(_:)``) at source size and streamed: two frames
/// are held at a time, whatever the video's length.
///
/// ```swift
/// let reader = try VideoReader(path: "clip.mp4")
/// let pairs = try VideoFlowExtractor().extract(from: reader, into: "flow/clip") { done in print(done) }
/// ```
public struct VideoFlowExtractor {
  /// TV-L1 settings (OpenCV's defaults).
  public var parameters = TVL1Parameters()
  /// The 8-bit encoding (±20 px).
  public var quantizer = FlowQuantizer()
  /// JPEG quantiser scale of the stored images (1 best … 31).
  public var quality = 2

  /// An extractor with OpenCV's TV-L1 defaults, ±20 px, JPEG scale 2.
  public init() {}

  /// Writes the flow of every consecutive pair of `reader`'s remaining frames into `folder` (which
  /// must exist), calling `progress` with the number of pairs written after each; returns that
  /// number (0 for a one-frame video).
  ///
  /// - Throws: ``Media/MediaError`` for unreadable or damaged video (pairs before the damage are
  ///   written), ``FlowError`` for bad settings, too-small frames, or a file that cannot be written.
  public func extract(from reader: VideoReader, into folder: String, progress: (Int) -> Void = { _ in })
    throws
    -> Int
  {
    let solver = try TVL1OpticalFlow(parameters: parameters)
    let writer = try FlowImageWriter(
      folder: folder, width: reader.width, height: reader.height, quantizer: quantizer, quality: quality)
    guard let first = try reader.nextFrame() else { return 0 }
    var previous = GrayImage(first)
    var pairs = 0
    while let frame = try reader.nextFrame() {
      let current = GrayImage(frame)
      let flow = try solver.flow(from: previous, to: current)
      pairs += 1
      try writer.write(flow, pair: pairs)
      progress(pairs)
      previous = current
    }
    return pairs
  }
}
