import CKernelsBF16

/// Bias, residual and activation applied to finished GEMM output, chunk by chunk.
struct Epilogue {
  /// First output channel row.
  let dst: UnsafeMutablePointer<Float>
  /// Elements per channel row.
  let plane: Int
  /// Number of rows.
  let channels: Int
  /// Bias per row, or `nil`.
  let bias: UnsafePointer<Float>?
  /// Residual with the same layout as the rows (`channels × plane`), or `nil`.
  let residual: UnsafePointer<Float>?
  /// Whether to apply `max(x, 0)` last.
  let relu: Bool

  init(
    dst: UnsafeMutablePointer<Float>, plane: Int, channels: Int, bias: UnsafeMutablePointer<Float>?,
    residual: UnsafePointer<Float>?, relu: Bool
  ) {
    self.dst = dst
    self.plane = plane
    self.channels = channels
    self.bias = bias.map { UnsafePointer($0) }
    self.residual = residual
    self.relu = relu
  }

  /// Whether the epilogue changes nothing (no bias, residual or activation).
  var isEmpty: Bool { bias == nil && residual == nil && !relu }

  /// Applies the epilogue to `columns` of rows `rows`, on the calling thread.
  func apply(rows: Range<Int>, columns: Range<Int>) {
    if isEmpty { return }
    for ch in rows { row(ch, columns: columns) }
  }

  /// The epilogue on `columns` of row `ch`.
  @inline(__always)
  private func row(_ ch: Int, columns: Range<Int>) {
    let row = dst + ch * plane + columns.lowerBound
    let count = columns.count
    let b = bias?[ch] ?? 0
    if let residual {
      let r = residual + ch * plane + columns.lowerBound
      if relu {
        for i in 0..<count { row[i] = max(row[i] + b + r[i], 0) }
      } else {
        for i in 0..<count { row[i] = row[i] + b + r[i] }
      }
    } else if relu {
      for i in 0..<count { row[i] = max(row[i] + b, 0) }
    } else {
      for i in 0..<count { row[i] += b }
    }
  }
}

extension Epilogue {
  /// The epilogue of `columns` of rows `rows` in the C kernels' form, whose rows and columns count
  /// from the GEMM output's first element (row `rows.lowerBound`, column `columns.lowerBound`).
  func kernelForm(rows: Range<Int>, columns: Range<Int>) -> ck_epilogue {
    ck_epilogue(
      bias: bias.map { $0 + rows.lowerBound },
      residual: residual.map { $0 + rows.lowerBound * plane + columns.lowerBound }, ldr: plane,
      relu: relu ? 1 : 0)
  }
}

/// An epilogue due on one part of a GEMM's output: the GEMM applies it while storing its tiles
/// when its kernel can (the package's own fp32 and bf16 kernels), else right after.
struct EpilogueRegion {
  /// What to apply.
  let epilogue: Epilogue
  /// Output channel rows, the GEMM's rows in order.
  let rows: Range<Int>
  /// Output columns, the GEMM's columns in order.
  let columns: Range<Int>

  /// The epilogue applied in a separate pass, on the calling thread.
  func apply() { epilogue.apply(rows: rows, columns: columns) }

  /// Calls `body` with the kernels' form of the epilogue (nil when it changes nothing).
  func withKernelForm<R>(_ body: (UnsafePointer<ck_epilogue>?) -> R) -> R {
    if epilogue.isEmpty { return body(nil) }
    var form = epilogue.kernelForm(rows: rows, columns: columns)
    return withUnsafePointer(to: &form) { body($0) }
  }
}
