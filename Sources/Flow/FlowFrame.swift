import Primitives

/// A frame pair's stored flow packed as an RGB8 image, so that code made for frames (resizing,
/// clips, augmentation, the detector's context stream) carries flow unchanged: red is the x byte,
/// green the y byte (``FlowQuantizer``'s encoding, zero motion 128), blue is 128 and unused.
///
/// Which pair a frame uses: frame `i` (0-based) of an `n`-frame video takes pair `i + 1` (1-based,
/// the flow from frame `i + 1` to `i + 2`, 1-based), and the last frame repeats the last pair
/// `n − 1` (``pair(forFrame:frameCount:)``).
///
/// ```swift
/// let frame = try FlowImageReader(folder: "flow/clip").frame(pair: FlowFrame.pair(forFrame: 0, frameCount: 40))
/// ```
public enum FlowFrame {
  /// The 1-based pair that 0-based frame `index` of a `frameCount`-frame video uses:
  /// `min(index + 1, frameCount − 1)` (at least 1).
  public static func pair(forFrame index: Int, frameCount: Int) -> Int {
    max(1, min(index + 1, frameCount - 1))
  }

  /// The x and y bytes of one pair as one image (R = x, G = y, B = 128); `nil` when the sizes differ.
  public static func pack(x: GrayImage, y: GrayImage) -> RGBImage? {
    guard x.width == y.width, x.height == y.height else { return nil }
    var pixels = [UInt8](repeating: 128, count: x.pixels.count * 3)
    for i in x.pixels.indices {
      pixels[3 * i] = x.pixels[i]
      pixels[3 * i + 1] = y.pixels[i]
    }
    return RGBImage(width: x.width, height: x.height, pixels: pixels)
  }

  /// A flow field's bytes under `quantizer`, packed (what storing and reading back gives, without
  /// the JPEG step).
  public static func pack(_ flow: FlowField, quantizer: FlowQuantizer = FlowQuantizer()) -> RGBImage {
    let (x, y) = quantizer.encode(flow)
    // Same sizes by construction.
    return pack(x: x, y: y) ?? RGBImage(width: flow.width, height: flow.height, fill: (128, 128, 128))
  }
}

extension FlowImageReader {
  /// Pair `pair`'s stored bytes packed as a flow frame (``FlowFrame``).
  ///
  /// - Throws: ``FlowError/storage(path:reason:)`` naming the missing or unreadable file.
  public func frame(pair: Int) throws(FlowError) -> RGBImage {
    let (x, y) = try images(pair: pair)
    guard let packed = FlowFrame.pack(x: x, y: y) else {
      throw .storage(path: folder, reason: "pair \(pair): x and y images differ in size")
    }
    return packed
  }
}
