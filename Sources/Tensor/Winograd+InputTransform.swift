import CKernelsBF16

extension Winograd {
  /// Whether ``transformTileRow(plane:height:width:top:left:tiles:into:stride:)`` and the output
  /// rows of `ConvStep.winograd(transformed:)` run the package's vector builds
  /// (`ckf32_winograd_input_row`, `ckf32_winograd_output_row`: AVX-512, else AVX2) instead
  /// of loops in Swift (CPUs without AVX2). Both give the same bits.
  static let vectorTransform = ckf32_cpu_supported() == 1

  /// `V = Bᵀ d B` for one tile row of one channel plane (`height` × `width` floats at `plane`, zero
  /// outside): tile t's 6 × 6 window starts at row `top`, column `left + 4t`, and its element e
  /// (row-major) goes to `v[e · stride + t]`, for t < `tiles`.
  static func transformTileRow(
    plane: UnsafePointer<Float>, height: Int, width: Int, top: Int, left: Int, tiles: Int,
    into v: UnsafeMutablePointer<Float>, stride: Int
  ) {
    if vectorTransform {
      ckf32_winograd_input_row(plane, height, width, top, left, tiles, v, stride)
    } else {
      transformTileRowLoops(
        plane: plane, height: height, width: width, top: top, left: left, tiles: tiles, into: v,
        stride: stride)
    }
  }

  /// ``transformTileRow(plane:height:width:top:left:tiles:into:stride:)`` in scalar loops: six
  /// zero-padded input rows, combined row-wise (`Bᵀ d`), then each tile's six columns (`· B`). The
  /// vector build does the same operations in the same order.
  static func transformTileRowLoops(
    plane: UnsafePointer<Float>, height: Int, width: Int, top: Int, left: Int, tiles: Int,
    into v: UnsafeMutablePointer<Float>, stride: Int
  ) {
    let span = tiles * 4 + 2
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 12 * span) { buffer in
      let rowsIn = buffer.baseAddress!
      let rowsT = rowsIn + 6 * span
      for k in 0..<6 {
        let row = rowsIn + k * span
        let y = top + k
        // Element j of the row is column left + j of the plane.
        let lo = min(max(-left, 0), span)
        let hi = max(min(width - left, span), lo)
        row.update(repeating: 0, count: span)
        if y >= 0 && y < height && hi > lo {
          (row + lo).update(from: plane + y * width + left + lo, count: hi - lo)
        }
      }
      let d = UnsafePointer(rowsIn)
      transformInput(
        d, d + span, d + 2 * span, d + 3 * span, d + 4 * span, d + 5 * span, into: rowsT, stride: span,
        count: span)
      for i in 0..<6 {
        let row = rowsT + i * span
        let o0 = v + i * 6 * stride
        let (o1, o2, o3, o4, o5) = (
          o0 + stride, o0 + 2 * stride, o0 + 3 * stride, o0 + 4 * stride, o0 + 5 * stride
        )
        for tx in 0..<tiles {
          let d = row + tx * 4
          let (d0, d1, d2, d3, d4, d5) = (d[0], d[1], d[2], d[3], d[4], d[5])
          o0[tx] = 4 * d0 - 5 * d2 + d4
          o1[tx] = -4 * (d1 + d2) + d3 + d4
          o2[tx] = 4 * (d1 - d2) - d3 + d4
          o3[tx] = 2 * (d3 - d1) - d2 + d4
          o4[tx] = 2 * (d1 - d3) - d2 + d4
          o5[tx] = 4 * d1 - 5 * d3 + d5
        }
      }
    }
  }
}
