import Foundation
import Media
import Primitives
import Testing

/// Bilinear resize with PyTorch's `align_corners=False` grid, rounding, and normalised planes.
@Suite struct ResizeTests {
  /// A 1-row image whose three channels all equal `values`.
  func grey(_ values: [UInt8], height: Int = 1) -> RGBImage {
    let row = values.flatMap { [$0, $0, $0] }
    return RGBImage(
      width: values.count, height: height, pixels: Array((0..<height).map { _ in row }.joined()))!
  }

  /// Channel 0 of each pixel.
  func red(_ image: RGBImage) -> [UInt8] {
    stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
  }

  @Test("upsampling 2 → 4 by hand: source x = (i + 0.5) / 2 - 0.5, clamped at 0 and at the edge")
  func upsampleByHand() {
    // i=0: s=-0.25→0 → 0; i=1: s=0.25 → 25; i=2: s=0.75 → 75; i=3: s=1.25, both taps at 1 → 100.
    let image = grey([0, 100]).resized(width: 4, height: 1)
    #expect(red(image) == [0, 25, 75, 100])
    #expect(image.height == 1 && image.width == 4)
  }

  @Test("downsampling 4 → 2 by hand averages neighbours (no antialiasing)")
  func downsampleByHand() {
    #expect(red(grey([10, 20, 30, 40]).resized(width: 2, height: 1)) == [15, 35])
    // 6 → 2: s = 1, 4: picks pixels 1 and 4 exactly, ignoring the rest.
    #expect(red(grey([0, 10, 200, 200, 40, 0]).resized(width: 2, height: 1)) == [10, 40])
  }

  @Test("2x2 → 3x3 by hand, both axes")
  func twoDimensionsByHand() {
    // Columns/rows sample at 0, 0.5, 1.1667 (both taps at 1): corners kept, middles averaged.
    let image = RGBImage(width: 2, height: 2, pixels: [0, 0, 0, 60, 60, 60, 120, 120, 120, 180, 180, 180])!
    #expect(red(image.resized(width: 3, height: 3)) == [0, 30, 60, 60, 90, 120, 120, 150, 180])
  }

  @Test("rounding is half to even, like torch.round")
  func roundsHalfToEven() {
    // 2 → 1 averages: 0.5 → 0, 1.5 → 2, 2.5 → 2, 3.5 → 4.
    #expect(red(grey([0, 1]).resized(width: 1, height: 1)) == [0])
    #expect(red(grey([1, 2]).resized(width: 1, height: 1)) == [2])
    #expect(red(grey([2, 3]).resized(width: 1, height: 1)) == [2])
    #expect(red(grey([3, 4]).resized(width: 1, height: 1)) == [4])
  }

  @Test("same size returns the image unchanged")
  func identity() {
    let image = ReferenceImage.make()
    #expect(image.resized(width: image.width, height: image.height) == image)
  }

  @Test("planar floats: CHW order and (v/255 - mean)/std")
  func planarLayout() {
    // One pixel (255, 0, 51) → 2x2: every plane constant.
    let pixel = RGBImage(width: 1, height: 1, pixels: [255, 0, 51])!
    let mean: SIMD3<Float> = [0.485, 0.456, 0.406]
    let std: SIMD3<Float> = [0.229, 0.224, 0.225]
    let planes = pixel.planarFloats(width: 2, height: 2, mean: mean, std: std)
    let expected: [Float] = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0.2 - 0.406) / 0.225]
    #expect(planes.count == 12)
    for c in 0..<3 {
      for i in 0..<4 {
        #expect(abs(planes[c * 4 + i] - expected[c]) < 1e-5, "channel \(c) value \(i)")
      }
    }
  }

  @Test("writePlanarFloats places a frame inside an NCTHW clip")
  func clipLayout() {
    let frames = [grey([0, 255]), grey([255, 0])]
    let (t, h, w) = (2, 1, 2)
    var clip = [Float](repeating: .nan, count: 3 * t * h * w)
    clip.withUnsafeMutableBufferPointer { clip in
      for (index, frame) in frames.enumerated() {
        let start = index * h * w
        let slice = UnsafeMutableBufferPointer(rebasing: clip[start...])
        frame.writePlanarFloats(
          width: w, height: h, mean: [0, 0, 0], std: [1, 1, 1], into: slice, channelStride: t * h * w)
      }
    }
    // C=3 × T=2 × W=2: each channel repeats frame 0 (0, 1) then frame 1 (1, 0).
    #expect(clip == [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0])
  }

  @Test("matches the numpy reference of PyTorch's bilinear (tools/make_resize_fixture.py)")
  func matchesReference() throws {
    let blocks = try ReferenceImage.load()
    #expect(blocks.count == 6)
    let image = ReferenceImage.make()
    for block in blocks {
      // Floats: planarFloats with mean 0, std 1 gives v/255; tolerance 1e-5 (= 0.0026 on 0–255).
      let planes = image.planarFloats(
        width: block.width, height: block.height, mean: [0, 0, 0], std: [1, 1, 1])
      let plane = block.width * block.height
      var worst: Float = 0
      for i in 0..<plane {
        for c in 0..<3 {
          worst = max(worst, abs(planes[c * plane + i] * 255 - block.values[i * 3 + c]))
        }
      }
      #expect(worst < 1e-3, "\(block.width)x\(block.height): max |diff| \(worst) on 0–255")

      // Bytes: round half to even, except where the reference sits within 1e-3 of a half.
      let bytes = image.resized(width: block.width, height: block.height).pixels
      for (byte, value) in zip(bytes, block.values) where abs(value - value.rounded(.down) - 0.5) > 1e-3 {
        #expect(Float(byte) == value.rounded(.toNearestOrEven), "\(block.width)x\(block.height): \(value)")
      }
    }
  }
}

/// The 11x7 input of `tools/make_resize_fixture.py` and its reference blocks.
enum ReferenceImage {
  /// One resized reference: size and HWC values on the 0–255 scale.
  struct Block {
    let width: Int
    let height: Int
    let values: [Float]
  }

  /// value(x, y, c) = (x*37 + y*91 + c*53 + x*y*7) % 256, 11 wide, 7 high.
  static func make() -> RGBImage {
    var pixels: [UInt8] = []
    for y in 0..<7 {
      for x in 0..<11 {
        for c in 0..<3 { pixels.append(UInt8((x * 37 + y * 91 + c * 53 + x * y * 7) % 256)) }
      }
    }
    return RGBImage(width: 11, height: 7, pixels: pixels)!
  }

  /// Parses `Fixtures/resize_reference.txt`.
  static func load() throws -> [Block] {
    let text = try String(contentsOfFile: TestMedia.fixture("resize_reference.txt"), encoding: .utf8)
    let lines = text.split(separator: "\n")
    var blocks: [Block] = []
    var i = 0
    while i + 1 < lines.count, lines[i] != "end" {
      let size = lines[i].split(separator: " ").compactMap { Int($0) }
      let values = lines[i + 1].split(separator: " ").compactMap { Float($0) }
      guard size.count == 2, values.count == size[0] * size[1] * 3 else { break }
      blocks.append(Block(width: size[0], height: size[1], values: values))
      i += 2
    }
    return blocks
  }
}
