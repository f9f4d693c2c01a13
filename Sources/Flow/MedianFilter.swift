/// OpenCV's `medianBlur` on a float plane, for the 3 × 3 and 5 × 5 windows it allows on floats:
/// each pixel becomes the median of its window, the image's edge pixels repeated outside
/// (`BORDER_REPLICATE`). The median is exact, so results equal OpenCV's bit for bit.
enum MedianFilter {
  /// Replaces `plane` by its `size` × `size` median (`size` 3 or 5), using `scratch` (a plane of
  /// at least `(width + 4) × (height + 4)`) for the bordered copy; padding stays 0.
  static func apply(_ plane: Plane, size: Int, scratch: Plane) {
    precondition(size == 3 || size == 5, "median size must be 3 or 5")
    let radius = size / 2
    let width = plane.width
    let height = plane.height
    // The bordered copy: scratch pixel (x, y) is plane pixel (x − radius, y − radius), clamped.
    FlowThreads.forEachRow(height + 2 * radius) { y in
      let source = plane.row(min(max(y - radius, 0), height - 1))
      let out = scratch.row(y)
      for x in 0..<radius { out[x] = source[0] }
      (out + radius).update(from: source, count: width)
      for x in (width + radius)..<(width + 2 * radius) { out[x] = source[width - 1] }
    }
    let network = size == 5 ? MedianNetwork.twentyFive : MedianNetwork.nine
    let middle = size * size / 2
    let lastChunk = plane.paddedWidth - 8
    let valid = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(lastChunk) .< Int32(width)
    network.withUnsafeBufferPointer { network in
      FlowThreads.forEachRow(height) { y in
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: size * size) { window in
          let values = window.baseAddress!
          let out = plane.row(y)
          var x = 0
          while x < plane.paddedWidth {
            for dy in 0..<size {
              let row = scratch.row(y + dy)
              for dx in 0..<size { values[dy * size + dx] = row.load8(x + dx) }
            }
            var median: SIMD8<Float>
            if size == 5 {
              median = MedianNetwork.median25(values)
            } else {
              MedianNetwork.apply(network, to: values)
              median = values[middle]
            }
            if x == lastChunk { median.replace(with: 0, where: .!valid) }
            out.store8(median, x)
            x += 8
          }
        }
      }
    }
  }
}
