import Primitives
import Testing

@testable import Detection
@testable import Training

/// The augmentation's pixel loops (window cut, resize, mirror, colour jitter) give, bit for bit, the
/// straightforward per-pixel code they replaced (kept here as the reference): runs resumed across
/// the change see the same samples.
@Suite struct AugmentationExactnessTests {
  static func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
    var generator = SplitMix64(seed: seed)
    let pixels = (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
    return RGBImage(width: width, height: height, pixels: pixels)!
  }

  @Test func applyEqualsThePerPixelReference() {
    let augmentation = Augmentation(horizontalFlip: true, scaleJitter: 0.3, colourJitter: 0.4)
    var generator = SplitMix64(seed: 21)
    var zoomed = (in: 0, out: 0)
    for round in 0..<24 {
      let (w, h) = round % 3 == 0 ? (37, 23) : (80, 64)
      let frame = Self.randomImage(width: w, height: h, seed: UInt64(100 + round))
      let draw = augmentation.draw(&generator)
      if draw.scale > 1 { zoomed.in += 1 } else if draw.scale < 1 { zoomed.out += 1 }
      for flow in [false, true] {
        let fast = draw.apply(frame, width: 48, height: 40, flow: flow)
        let slow = Reference.apply(draw, frame, width: 48, height: 40, flow: flow)
        #expect(fast == slow, "round \(round), flow \(flow), draw \(draw)")
      }
    }
    #expect(zoomed.in > 0 && zoomed.out > 0)
  }

  @Test func resizeEqualsThePerPixelReference() {
    for (source, destination) in [((320, 240), (240, 192)), ((37, 23), (80, 64)), ((64, 80), (64, 81))] {
      let image = Self.randomImage(width: source.0, height: source.1, seed: UInt64(source.0))
      #expect(
        FrameResizer.resize(image, width: destination.0, height: destination.1)
          == Reference.resize(image, width: destination.0, height: destination.1))
    }
  }
}

/// The per-pixel code of `Augmentation.Draw.apply` and `FrameResizer.resize` before session 14
/// (the bilinear taps, unchanged, are `FrameResizer.taps`).
private enum Reference {
  static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    if image.width == width && image.height == height { return image }
    let xs = FrameResizer.taps(source: image.width, destination: width)
    let ys = FrameResizer.taps(source: image.height, destination: height)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    let src = image.pixels
    let stride = image.width * 3
    for y in 0..<height {
      let (y0, y1, fy) = ys[y]
      for x in 0..<width {
        let (x0, x1, fx) = xs[x]
        for c in 0..<3 {
          let (p00, p01): (Float, Float) = (
            Float(src[y0 * stride + x0 * 3 + c]), Float(src[y0 * stride + x1 * 3 + c])
          )
          let (p10, p11): (Float, Float) = (
            Float(src[y1 * stride + x0 * 3 + c]), Float(src[y1 * stride + x1 * 3 + c])
          )
          let a: Float = p00 * (1 - fx) + p01 * fx
          let b: Float = p10 * (1 - fx) + p11 * fx
          let v: Float = a * (1 - fy) + b * fy
          pixels[(y * width + x) * 3 + c] = UInt8(max(0, min(255, v.rounded())))
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)!
  }

  static func apply(_ d: Augmentation.Draw, _ frame: RGBImage, width: Int, height: Int, flow: Bool)
    -> RGBImage
  {
    var image = frame
    if d.scale != 1 {
      let win = d.window(sourceWidth: frame.width, sourceHeight: frame.height)
      var cut = RGBImage(width: win.width, height: win.height, fill: (128, 128, 128))
      for y in 0..<win.height {
        let sy = y + win.y
        guard sy >= 0, sy < frame.height else { continue }
        for x in 0..<win.width {
          let sx = x + win.x
          guard sx >= 0, sx < frame.width else { continue }
          let s = (sy * frame.width + sx) * 3
          let t = (y * win.width + x) * 3
          cut.pixels[t] = frame.pixels[s]
          cut.pixels[t + 1] = frame.pixels[s + 1]
          cut.pixels[t + 2] = frame.pixels[s + 2]
        }
      }
      image = cut
    }
    image = resize(image, width: width, height: height)
    if d.flip {
      var out = image
      for y in 0..<height {
        for x in 0..<width {
          let s = (y * width + (width - 1 - x)) * 3
          let t = (y * width + x) * 3
          out.pixels[t] = flow ? 255 - image.pixels[s] : image.pixels[s]
          out.pixels[t + 1] = image.pixels[s + 1]
          out.pixels[t + 2] = image.pixels[s + 2]
        }
      }
      image = out
    }
    guard !flow, d.brightness != 1 || d.contrast != 1 || d.saturation != 1 else { return image }
    var out = image
    let n = image.width * image.height
    var mean: Float = 0
    for i in 0..<n {
      let p = i * 3
      mean +=
        0.299 * Float(image.pixels[p]) + 0.587 * Float(image.pixels[p + 1]) + 0.114
        * Float(image.pixels[p + 2])
    }
    mean = mean / Float(max(n, 1)) * d.brightness
    for i in 0..<n {
      let p = i * 3
      var r = Float(image.pixels[p]) * d.brightness
      var g = Float(image.pixels[p + 1]) * d.brightness
      var b = Float(image.pixels[p + 2]) * d.brightness
      r = mean + (r - mean) * d.contrast
      g = mean + (g - mean) * d.contrast
      b = mean + (b - mean) * d.contrast
      let grey = 0.299 * r + 0.587 * g + 0.114 * b
      r = grey + (r - grey) * d.saturation
      g = grey + (g - grey) * d.saturation
      b = grey + (b - grey) * d.saturation
      out.pixels[p] = UInt8(max(0, min(255, r.rounded())))
      out.pixels[p + 1] = UInt8(max(0, min(255, g.rounded())))
      out.pixels[p + 2] = UInt8(max(0, min(255, b.rounded())))
    }
    return out
  }
}
