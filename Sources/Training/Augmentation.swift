import Detection
import Primitives

/// Training-time augmentation, applied identically to the keyframe and every clip frame of a
/// sample; each sample's choices come from its own seeded generator.
public struct Augmentation: Sendable, Equatable, Codable {
  /// Mirror left–right with probability 0.5 (boxes mirrored too).
  public var horizontalFlip: Bool
  /// Scale jitter: the frame is zoomed by a factor drawn uniformly in `1 − s … 1 + s` about a random
  /// point (zooming out pads with grey 128); 0 disables it.
  public var scaleJitter: Float
  /// Colour jitter: brightness, contrast and saturation factors drawn in `1 − c … 1 + c`; 0 disables it.
  public var colourJitter: Float
  /// Time reversal between partner classes (nil: none; runs written before it existed have none).
  public var timeReversal: TimeReversal?

  /// Augmentation with the given settings (the defaults are what `train` uses).
  public init(horizontalFlip: Bool = true, scaleJitter: Float = 0.1, colourJitter: Float = 0.2) {
    self.horizontalFlip = horizontalFlip
    self.scaleJitter = scaleJitter
    self.colourJitter = colourJitter
  }

  /// No augmentation: samples are built exactly as `detect` sees its input.
  public static let none = Augmentation(horizontalFlip: false, scaleJitter: 0, colourJitter: 0)

  /// The choices for one sample.
  public struct Draw: Sendable, Equatable {
    /// Mirror the sample.
    public var flip = false
    /// Zoom factor (1: none).
    public var scale: Float = 1
    /// Window centre as a fraction of the free range, 0…1 in x and y.
    public var offset: SIMD2<Float> = [0.5, 0.5]
    /// Brightness, contrast and saturation factors.
    public var brightness: Float = 1
    /// Contrast factor.
    public var contrast: Float = 1
    /// Saturation factor.
    public var saturation: Float = 1
    /// Play the clip backwards, if the sample's classes have partners (``TimeReversal/covers(_:)``).
    public var reverse = false
  }

  /// Draws one sample's choices from `generator` (always the same number of draws; the eighth,
  /// the reversal's, came last so that the first seven are those of runs made before it).
  public func draw(_ generator: inout SplitMix64) -> Draw {
    func uniform() -> Float { Float(generator.next() >> 40) / Float(1 << 24) }
    let u = (0..<8).map { _ in uniform() }
    var d = Draw()
    d.flip = horizontalFlip && u[0] < 0.5
    d.scale = 1 + scaleJitter * (2 * u[1] - 1)
    d.offset = [u[2], u[3]]
    d.brightness = 1 + colourJitter * (2 * u[4] - 1)
    d.contrast = 1 + colourJitter * (2 * u[5] - 1)
    d.saturation = 1 + colourJitter * (2 * u[6] - 1)
    d.reverse = u[7] < (timeReversal?.probability ?? 0)
    return d
  }
}

extension Augmentation.Draw {
  /// The source window (`x, y, width, height` in source pixels, integer) a zoom by ``scale`` shows.
  func window(sourceWidth w: Int, sourceHeight h: Int) -> (x: Int, y: Int, width: Int, height: Int) {
    let ww = max(1, Int((Float(w) / scale).rounded()))
    let wh = max(1, Int((Float(h) / scale).rounded()))
    let x = Int((Float(w - ww) * offset.x).rounded())
    let y = Int((Float(h - wh) * offset.y).rounded())
    return (x, y, ww, wh)
  }

  /// `frame` cut to ``window(sourceWidth:sourceHeight:)`` (grey outside the frame), resized to
  /// `width` × `height`, mirrored and colour-jittered.
  ///
  /// With `flow` the frame is a flow frame (``ContextStream``: red the x byte, green the y byte):
  /// zooming out pads with 128 (zero motion), mirroring also negates the horizontal flow, and
  /// colour jitter is not applied. Negation is `x byte b → 255 − b`: the network reads
  /// `b / 127.5 − 1`, and `(255 − b) / 127.5 − 1 = −(b / 127.5 − 1)` exactly. Displacements are
  /// not rescaled by the zoom (as the datasets' resized flow).
  func apply(_ frame: RGBImage, width: Int, height: Int, flow: Bool = false) -> RGBImage {
    var image = frame
    if scale != 1 {
      let win = window(sourceWidth: frame.width, sourceHeight: frame.height)
      var cut = RGBImage(width: win.width, height: win.height, fill: (128, 128, 128))
      // Rows and columns of the window that lie inside the frame (the rest stays grey).
      let columns = max(0, -win.x)..<max(max(0, -win.x), min(win.width, frame.width - win.x))
      frame.pixels.withUnsafeBufferPointer { src in
        cut.pixels.withUnsafeMutableBufferPointer { dst in
          for y in 0..<win.height where y + win.y >= 0 && y + win.y < frame.height && !columns.isEmpty {
            let s = ((y + win.y) * frame.width + columns.lowerBound + win.x) * 3
            let d = (y * win.width + columns.lowerBound) * 3
            (dst.baseAddress! + d).update(from: src.baseAddress! + s, count: columns.count * 3)
          }
        }
      }
      image = cut
    }
    image = FrameResizer.resize(image, width: width, height: height)
    if flip {
      var out = image
      image.pixels.withUnsafeBufferPointer { src in
        out.pixels.withUnsafeMutableBufferPointer { dst in
          for y in 0..<height {
            for x in 0..<width {
              let s = (y * width + (width - 1 - x)) * 3
              let d = (y * width + x) * 3
              dst[d] = flow ? 255 - src[s] : src[s]
              dst[d + 1] = src[s + 1]
              dst[d + 2] = src[s + 2]
            }
          }
        }
      }
      image = out
    }
    if !flow, brightness != 1 || contrast != 1 || saturation != 1 {
      image = jittered(image)
    }
    return image
  }

  /// Brightness, then contrast about the image's mean grey, then saturation about each pixel's grey.
  private func jittered(_ image: RGBImage) -> RGBImage {
    var out = image
    let n = image.width * image.height
    image.pixels.withUnsafeBufferPointer { src in
      var mean: Float = 0
      for i in 0..<n {
        let p = i * 3
        mean += 0.299 * Float(src[p]) + 0.587 * Float(src[p + 1]) + 0.114 * Float(src[p + 2])
      }
      mean = mean / Float(max(n, 1)) * brightness
      out.pixels.withUnsafeMutableBufferPointer { dst in
        for i in 0..<n {
          let p = i * 3
          var r = Float(src[p]) * brightness
          var g = Float(src[p + 1]) * brightness
          var b = Float(src[p + 2]) * brightness
          r = mean + (r - mean) * contrast
          g = mean + (g - mean) * contrast
          b = mean + (b - mean) * contrast
          let grey = 0.299 * r + 0.587 * g + 0.114 * b
          r = grey + (r - grey) * saturation
          g = grey + (g - grey) * saturation
          b = grey + (b - grey) * saturation
          dst[p] = UInt8(roundingClamped: r)
          dst[p + 1] = UInt8(roundingClamped: g)
          dst[p + 2] = UInt8(roundingClamped: b)
        }
      }
    }
    return out
  }

  /// `box` (source pixels) in input pixels of a `width` × `height` input, after the window and the
  /// flip; clipped to the input; nil when less than 2 pixels remain in either direction.
  func map(_ box: Box, sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) -> Box? {
    let win =
      scale != 1
      ? window(sourceWidth: sourceWidth, sourceHeight: sourceHeight) : (0, 0, sourceWidth, sourceHeight)
    let sx = Float(width) / Float(win.2)
    let sy = Float(height) / Float(win.3)
    var b = Box(
      x1: (box.x1 - Float(win.0)) * sx, y1: (box.y1 - Float(win.1)) * sy,
      x2: (box.x2 - Float(win.0)) * sx, y2: (box.y2 - Float(win.1)) * sy)
    if flip { b = Box(x1: Float(width) - b.x2, y1: b.y1, x2: Float(width) - b.x1, y2: b.y2) }
    b = b.clipped(width: Float(width), height: Float(height))
    return b.width >= 2 && b.height >= 2 ? b : nil
  }
}
