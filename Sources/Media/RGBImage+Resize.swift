import Primitives

extension RGBImage {
  /// This image resized bilinearly to `width`×`height`, matching PyTorch's
  /// `F.interpolate(x.float(), size=(height, width), mode="bilinear", align_corners=False)` followed
  /// by `torch.round` (half to even) and clamping to 0–255.
  ///
  /// Same size returns the image unchanged. Both sizes must be at least 1×1 (a programmer error
  /// otherwise).
  public func resized(width: Int, height: Int) -> RGBImage {
    if width == self.width, height == self.height { return self }
    let resampler = BilinearResampler(
      sourceWidth: self.width, sourceHeight: self.height, width: width, height: height)
    let rowCount = width * 3
    var row = [Float](repeating: 0, count: rowCount)
    let output = [UInt8](unsafeUninitializedCapacity: rowCount * height) { out, count in
      pixels.withUnsafeBufferPointer { source in
        row.withUnsafeMutableBufferPointer { row in
          for y in 0..<height {
            resampler.interpolateRow(y, source: source, into: row)
            for i in 0..<rowCount {
              let value = min(max(row[i].rounded(.toNearestOrEven), 0), 255)
              (out.baseAddress! + y * rowCount + i).initialize(to: UInt8(value))
            }
          }
        }
      }
      count = rowCount * height
    }
    guard let image = RGBImage(width: width, height: height, pixels: output) else {
      preconditionFailure("resize produced \(output.count) bytes for \(width)x\(height)")
    }
    return image
  }

  /// The image resized bilinearly to `width`×`height` (as ``resized(width:height:)``, before
  /// rounding) and normalised to planar floats, channel-major (CHW: all R, then all G, then all B).
  ///
  /// Each value is `(v / 255 - mean[c]) / std[c]` with `v` the interpolated value on the 0–255
  /// scale, e.g. ImageNet's `mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]`, or
  /// `mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]` for [-1, 1]. Returns `3 * height * width` values.
  public func planarFloats(width: Int, height: Int, mean: SIMD3<Float>, std: SIMD3<Float>) -> [Float] {
    let plane = width * height
    return [Float](unsafeUninitializedCapacity: 3 * plane) { buffer, count in
      buffer.initialize(repeating: 0)
      writePlanarFloats(
        width: width, height: height, mean: mean, std: std, into: buffer, channelStride: plane)
      count = 3 * plane
    }
  }

  /// Writes the resized, normalised planes of ``planarFloats(width:height:mean:std:)`` into
  /// `buffer`: channel `c`'s `height`×`width` plane starts at `c * channelStride`.
  ///
  /// For one frame of an NCTHW clip of `T` frames, pass the buffer from this frame's offset
  /// (`t * height * width` into the clip) and `channelStride: T * height * width`.
  public func writePlanarFloats(
    width: Int, height: Int, mean: SIMD3<Float>, std: SIMD3<Float>,
    into buffer: UnsafeMutableBufferPointer<Float>,
    channelStride: Int
  ) {
    let plane = width * height
    precondition(channelStride >= plane, "channelStride \(channelStride) is smaller than a plane (\(plane))")
    precondition(buffer.count >= 2 * channelStride + plane, "buffer of \(buffer.count) floats is too small")
    let resampler = BilinearResampler(
      sourceWidth: self.width, sourceHeight: self.height, width: width, height: height)
    let scale = 1 / (255 * std)
    let offset = mean / std
    var row = [Float](repeating: 0, count: width * 3)
    pixels.withUnsafeBufferPointer { source in
      row.withUnsafeMutableBufferPointer { row in
        for y in 0..<height {
          resampler.interpolateRow(y, source: source, into: row)
          for c in 0..<3 {
            let start = c * channelStride + y * width
            for x in 0..<width {
              buffer[start + x] = row[x * 3 + c] * scale[c] - offset[c]
            }
          }
        }
      }
    }
  }
}
