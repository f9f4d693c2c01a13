/// Max pooling over 2-D (NCHW) or 3-D (NCTHW) windows.
///
/// Padding never wins: positions outside the input are ignored, which is TensorFlow's `SAME`
/// (`-inf` padding) and PyTorch's implicit padding. `ceilMode` is PyTorch's `ceil_mode`
/// (torchvision S3D's `MaxPool3d(ceil_mode=True)`).
public struct MaxPool: Sendable {
  /// Window extent per spatial dimension.
  public let kernel: [Int]
  /// Stride per spatial dimension.
  public let stride: [Int]
  /// Padding of the spatial dimensions.
  public let padding: Padding
  /// Round the output extent up (PyTorch `ceil_mode`).
  public let ceilMode: Bool

  /// A max pool; `stride` defaults to `kernel` (as in PyTorch).
  public init(kernel: [Int], stride: [Int]? = nil, padding: Padding = .valid, ceilMode: Bool = false) {
    precondition(kernel.count == 2 || kernel.count == 3, "MaxPool: kernel \(kernel) must have 2 or 3 entries")
    self.kernel = kernel
    self.stride = stride ?? kernel
    precondition(self.stride.count == kernel.count, "MaxPool: stride \(self.stride) for kernel \(kernel)")
    self.padding = padding
    self.ceilMode = ceilMode
  }

  /// Pools `x`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    SeparablePool.run(x, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, mode: .max)
  }
}

/// Average pooling over 2-D (NCHW) or 3-D (NCTHW) windows.
///
/// `countIncludePad` is PyTorch's switch (its default is `true`); TensorFlow `SAME` average pooling
/// excludes the padding, i.e. `padding: .same, countIncludePad: false`.
public struct AvgPool: Sendable {
  /// Window extent per spatial dimension.
  public let kernel: [Int]
  /// Stride per spatial dimension.
  public let stride: [Int]
  /// Padding of the spatial dimensions.
  public let padding: Padding
  /// Round the output extent up (PyTorch `ceil_mode`).
  public let ceilMode: Bool
  /// Divide by the full window (clipped to input + padding) instead of the valid input positions.
  public let countIncludePad: Bool

  /// An average pool; `stride` defaults to `kernel`.
  public init(
    kernel: [Int], stride: [Int]? = nil, padding: Padding = .valid, ceilMode: Bool = false,
    countIncludePad: Bool = true
  ) {
    precondition(kernel.count == 2 || kernel.count == 3, "AvgPool: kernel \(kernel) must have 2 or 3 entries")
    self.kernel = kernel
    self.stride = stride ?? kernel
    precondition(self.stride.count == kernel.count, "AvgPool: stride \(self.stride) for kernel \(kernel)")
    self.padding = padding
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
  }

  /// Pools `x`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    SeparablePool.run(
      x, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode,
      mode: .average(countIncludePad: countIncludePad))
  }
}
