import Primitives
import Tensor

/// Bilinear resizing of RGB8 frames to the network input size and packing into float tensors.
///
/// A local helper (the `Media` module's resize is not a dependency of `Detection`): half-pixel
/// centres, source coordinate `(x + 0.5)·sw/dw − 0.5` clamped to the image, as OpenCV `INTER_LINEAR`
/// and PyTorch `interpolate(mode="bilinear", align_corners=False, antialias=False)`.
public enum FrameResizer {
  /// `image` resized to `width` × `height`, RGB8.
  public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    if image.width == width && image.height == height { return image }
    let xs = taps(source: image.width, destination: width)
    let ys = taps(source: image.height, destination: height)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    let stride = image.width * 3
    image.pixels.withUnsafeBufferPointer { src in
      pixels.withUnsafeMutableBufferPointer { dst in
        for y in 0..<height {
          let (y0, y1, fy) = ys[y]
          let (row0, row1) = (y0 * stride, y1 * stride)
          let out = y * width * 3
          for x in 0..<width {
            let (x0, x1, fx) = xs[x]
            let (left, right) = (x0 * 3, x1 * 3)
            for c in 0..<3 {
              let a = Float(src[row0 + left + c]) * (1 - fx) + Float(src[row0 + right + c]) * fx
              let b = Float(src[row1 + left + c]) * (1 - fx) + Float(src[row1 + right + c]) * fx
              dst[out + x * 3 + c] = UInt8(roundingClamped: a * (1 - fy) + b * fy)
            }
          }
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)!  // count is width·height·3 by construction
  }

  /// Frames (all of one size) as a `[1, 3, T, H, W]` tensor (`T = frames.count`) or `[1, 3, H, W]`
  /// when `video` is false and there is one frame; values 0…255.
  public static func tensor(_ frames: [RGBImage], video: Bool) -> Tensor {
    precondition(!frames.isEmpty && (video || frames.count == 1), "FrameResizer.tensor: bad frame count")
    let (w, h, t) = (frames[0].width, frames[0].height, frames.count)
    let plane = w * h
    var x = Tensor(shape: video ? [1, 3, t, h, w] : [1, 3, h, w])
    x.withUnsafeMutableBufferPointer { p in
      for (s, frame) in frames.enumerated() {
        precondition(frame.width == w && frame.height == h, "FrameResizer.tensor: frames of different sizes")
        frame.pixels.withUnsafeBufferPointer { src in
          for c in 0..<3 {
            let base = (c * t + s) * plane
            for i in 0..<plane { p[base + i] = Float(src[i * 3 + c]) }
          }
        }
      }
    }
    return x
  }

  static func taps(source: Int, destination: Int) -> [(Int, Int, Float)] {
    let scale = Float(source) / Float(destination)
    return (0..<destination).map { i in
      let v = min(max((Float(i) + 0.5) * scale - 0.5, 0), Float(source - 1))
      let lo = Int(v)
      return (lo, min(lo + 1, source - 1), v - Float(lo))
    }
  }
}
