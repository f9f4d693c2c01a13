import CKernelsBF16

extension Winograd {
  /// One output row of one channel from the transformed tiles: output x is element `x mod 4` of
  /// tile `x / 4`, at `y[(x mod 4) · stride + x / 4]`; then `(y + bias) + residual[x]` (no residual
  /// when nil) and, when `relu`, max(·, 0) as MAXPS computes it; into `out[0..<width]`.
  ///
  /// On AVX2 and AVX-512 CPUs the package's vector build (`ckf32_winograd_output_row`) interleaves
  /// four vectors of tiles at a time; the scalar loop it replaces read one float at a time, half of
  /// the output transform's time. Both give the same bits.
  @inline(__always)
  static func outputRow(
    _ y: UnsafePointer<Float>, stride: Int, width: Int, bias: Float, residual: UnsafePointer<Float>?,
    relu: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    if vectorTransform {
      ckf32_winograd_output_row(y, stride, width, bias, residual, relu ? 1 : 0, out)
    } else {
      outputRowLoops(y, stride: stride, width: width, bias: bias, residual: residual, relu: relu, into: out)
    }
  }

  /// ``outputRow(_:stride:width:bias:residual:relu:into:)`` as a scalar loop.
  static func outputRowLoops(
    _ y: UnsafePointer<Float>, stride: Int, width: Int, bias: Float, residual: UnsafePointer<Float>?,
    relu: Bool, into out: UnsafeMutablePointer<Float>
  ) {
    for x in 0..<width {
      var v = y[(x & 3) * stride + (x >> 2)] + bias
      if let residual { v = v + residual[x] }
      // +0 for either zero and for NaN, as MAXPS computes max(v, 0).
      out[x] = relu ? (v > 0 ? v : 0) : v
    }
  }
}
