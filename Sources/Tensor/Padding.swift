/// How a convolution or pooling window is padded along each spatial dimension.
public enum Padding: Sendable, Equatable {
  /// No padding; windows that would leave the input are dropped.
  case valid
  /// TensorFlow `SAME`: output extent `ceil(in / stride)`, total padding
  /// `max((out - 1) * stride + kernel - in, 0)`, the smaller half before, the larger half after.
  case same
  /// Explicit zero padding per spatial dimension (T, H, W for 3-D; H, W for 2-D).
  case explicit([PadAmount])

  /// The same padding before and after, per spatial dimension (PyTorch's `padding=`).
  public static func symmetric(_ amounts: [Int]) -> Padding {
    .explicit(amounts.map { PadAmount(before: $0, after: $0) })
  }
}

/// Padding before and after one dimension, in elements.
public struct PadAmount: Sendable, Equatable {
  /// Elements added before the first input element.
  public var before: Int
  /// Elements added after the last input element.
  public var after: Int

  /// Padding of `before` and `after` elements.
  public init(before: Int, after: Int) {
    self.before = before
    self.after = after
  }
}

/// The resolved geometry of a sliding window along one dimension.
struct WindowAxis: Equatable {
  /// Input extent.
  var input: Int
  /// Output extent.
  var output: Int
  /// Window size.
  var kernel: Int
  /// Step between windows.
  var stride: Int
  /// Padding before the input (the first window starts at `-padBefore`).
  var padBefore: Int
  /// Padding after the input, as given (ceil mode may let a window reach further; it is clipped).
  var padAfter: Int

  /// Resolves a window along one dimension.
  ///
  /// `ceilMode` is PyTorch's pooling `ceil_mode`: the output extent rounds up, but the last window
  /// must start inside the input or the before-padding.
  init(input: Int, kernel: Int, stride: Int, padding: Padding, axis: Int, ceilMode: Bool = false) {
    precondition(kernel >= 1 && stride >= 1, "window: kernel \(kernel) and stride \(stride) must be >= 1")
    self.input = input
    self.kernel = kernel
    self.stride = stride
    switch padding {
    case .valid:
      padBefore = 0
      padAfter = 0
    case .same:
      let out = (input + stride - 1) / stride
      let total = max((out - 1) * stride + kernel - input, 0)
      padBefore = total / 2
      padAfter = total - padBefore
    case .explicit(let amounts):
      precondition(axis < amounts.count, "padding: \(amounts.count) amounts, axis \(axis) needed")
      padBefore = amounts[axis].before
      padAfter = amounts[axis].after
    }
    let span = input + padBefore + padAfter - kernel
    precondition(
      span >= 0, "window: kernel \(kernel) larger than padded input \(input + padBefore + padAfter)")
    if ceilMode {
      var out = (span + stride - 1) / stride + 1
      if (out - 1) * stride >= input + padBefore { out -= 1 }
      output = out
    } else {
      output = span / stride + 1
    }
  }

  /// First input index of window `o` (may be negative).
  @inline(__always) func start(_ o: Int) -> Int { o * stride - padBefore }

  /// Input index range of window `o`, clipped to the input.
  @inline(__always) func clippedRange(_ o: Int) -> Range<Int> {
    let s = start(o)
    return max(s, 0)..<min(s + kernel, input)
  }

  /// Range of outputs whose window tap `k` reads inside the input.
  func validOutputs(tap k: Int) -> Range<Int> {
    // input index = o * stride + k - padBefore in [0, input)
    let lowNumerator = padBefore - k
    let low = lowNumerator <= 0 ? 0 : (lowNumerator + stride - 1) / stride
    let highNumerator = input - 1 + padBefore - k
    let high = highNumerator < 0 ? 0 : highNumerator / stride + 1
    let lo = min(max(low, 0), output)
    return lo..<max(lo, min(high, output))
  }
}
