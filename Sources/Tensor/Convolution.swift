/// The element-wise function applied after a layer's bias.
public enum Activation: Sendable, Equatable {
  /// No activation.
  case identity
  /// `max(x, 0)`.
  case relu
}

/// 2-D or 3-D convolution (cross-correlation, as in PyTorch and TensorFlow): forward, and the
/// gradients of weight, bias and input in `backward(input:outputGradient:inputGradient:)`.
///
/// Input NCTHW `[n, in, t, h, w]` with weight `[out, in, kt, kh, kw]`, or input NCHW
/// `[n, in, h, w]` with weight `[out, in, kh, kw]`. Output `[n, out, t', h', w']` (or `[n, out, h', w']`).
/// `stride` and `padding` have one entry per spatial dimension (3 or 2). The bias (BatchNorm folded
/// in with `folding(_:)`) and the activation are fused into the GEMM epilogue.
///
/// Routing: 1×1(×1) stride-1 unpadded kernels are one GEMM on the input as is; k×1×1 temporal
/// kernels with unit spatial stride and no spatial padding are k accumulated `sgemm`s on shifted views
/// of the input, or Winograd F(4, 3) along time when the time axis holds whole tiles
/// (`TemporalWinograd`); 3×3 and 1×3×3 stride-1 kernels on large enough maps use Winograd
/// F(4×4, 3×3) (`Winograd`); every other kernel goes through im2col (in chunks of output rows) and `sgemm`.
/// Every route's GEMMs take the layer's weights as A: packed once (``PackedWeights``) for the bf16
/// kernel and, on AVX-512 and AVX2 CPUs, for the package's own fp32 kernel
/// (``Compute/ownF32Kernel``), which then stands in for `sgemm`.
public struct Convolution: Sendable {
  /// Weight in PyTorch layout, `[out, in, kt, kh, kw]` or `[out, in, kh, kw]`.
  public let weight: Tensor
  /// Bias `[out]`, or `nil`.
  public let bias: Tensor?
  /// Stride per spatial dimension.
  public let stride: [Int]
  /// Padding of the spatial dimensions.
  public let padding: Padding
  /// Activation applied after the bias (and after the residual, when one is given).
  public var activation: Activation
  /// Per-tap weight matrices `[kt, out, in]` of a temporal (kt×1×1) kernel, else `nil`.
  let temporalTaps: Tensor?
  /// Winograd F(4×4, 3×3) weights `[36, out, in]` of a 3×3 or 1×3×3 stride-1 kernel, else `nil`.
  let winogradWeights: Tensor?
  /// Temporal Winograd F(4, 3) weights `[6, out, in]` of a 3×1×1 kernel with temporal stride 1, else `nil`.
  let temporalWinogradWeights: Tensor?
  /// The stride-1 convolution that computes dL/dx in `backward`, built on first use and shared by copies.
  let backwardCache = FlippedConvolutionCache()
  /// The weight matrices packed for the GEMMs (bf16, or fp32 for ``Compute/ownF32Kernel``), built
  /// on first use and shared by copies.
  let packedWeights = PackedWeights()

  /// A convolution with the given weight, optional bias, strides (default 1), padding and activation.
  ///
  /// Shapes are checked with preconditions (a mismatch is a programmer error; weight loaders check
  /// shapes before building layers).
  public init(
    weight: Tensor, bias: Tensor? = nil, stride: [Int]? = nil, padding: Padding = .valid,
    activation: Activation = .identity
  ) {
    precondition(
      weight.rank == 4 || weight.rank == 5, "Convolution: weight rank \(weight.rank), 4 or 5 expected")
    let spatial = weight.rank - 2
    let stride = stride ?? Array(repeating: 1, count: spatial)
    precondition(stride.count == spatial, "Convolution: \(stride.count) strides for \(spatial) spatial dims")
    if case .explicit(let amounts) = padding {
      precondition(amounts.count == spatial, "Convolution: \(amounts.count) pads for \(spatial) spatial dims")
    }
    if let bias {
      precondition(
        bias.shape == [weight.shape[0]], "Convolution: bias \(bias.shape), [\(weight.shape[0])] expected")
    }
    self.weight = weight
    self.bias = bias
    self.stride = stride
    self.padding = padding
    self.activation = activation
    let k = Self.kernel5(weight.shape)
    if k.t > 1 && k.h == 1 && k.w == 1 {
      let (o, c) = (weight.shape[0], weight.shape[1])
      var taps = Tensor(uninitializedShape: [k.t, o, c])
      weight.withUnsafeBufferPointer { w in
        taps.withUnsafeMutableBufferPointer { p in
          for dt in 0..<k.t {
            for oc in 0..<(o * c) { p[(dt * o * c) + oc] = w[oc * k.t + dt] }
          }
        }
      }
      temporalTaps = taps
      temporalWinogradWeights =
        k.t == 3 && stride[0] == 1 && Winograd.mode != 0 ? TemporalWinograd.transformWeights(taps) : nil
    } else {
      temporalTaps = nil
      temporalWinogradWeights = nil
    }
    winogradWeights =
      k == (1, 3, 3) && stride.allSatisfy { $0 == 1 } && Winograd.mode != 0
      ? Winograd.transformWeights(weight) : nil
  }

  /// Number of output channels.
  public var outputChannels: Int { weight.shape[0] }
  /// Number of input channels.
  public var inputChannels: Int { weight.shape[1] }
  /// Kernel extent per spatial dimension.
  public var kernel: [Int] { Array(weight.shape.dropFirst(2)) }

  /// Output shape for an input of shape `inputShape` (NCTHW or NCHW, matching the weight's rank).
  public func outputShape(for inputShape: [Int]) -> [Int] {
    let g = geometry(inputShape)
    return weight.rank == 5
      ? [g.n, outputChannels, g.t.output, g.h.output, g.w.output]
      : [g.n, outputChannels, g.h.output, g.w.output]
  }

  /// Convolves `x`, adds the bias and applies the activation.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var out = Tensor(uninitializedShape: outputShape(for: x.shape))
    forward(x, into: &out, channelOffset: 0)
    return out
  }

  /// Convolves `x`, adds the bias and `residual` (same shape as the output), then applies the activation.
  public func callAsFunction(_ x: Tensor, residual: Tensor) -> Tensor {
    let shape = outputShape(for: x.shape)
    precondition(residual.shape == shape, "Convolution: residual \(residual.shape), \(shape) expected")
    var out = Tensor(uninitializedShape: shape)
    run(x, into: &out, channelOffset: 0, residual: residual)
    return out
  }

  /// Writes the result into channels `channelOffset ..< channelOffset + outputChannels` of `output`,
  /// whose other dimensions must equal this layer's output shape (channel concatenation without a copy).
  public func forward(_ x: Tensor, into output: inout Tensor, channelOffset: Int) {
    run(x, into: &output, channelOffset: channelOffset, residual: nil)
  }

  /// Kernel extents as (t, h, w) for either weight rank.
  static func kernel5(_ shape: [Int]) -> (t: Int, h: Int, w: Int) {
    shape.count == 5 ? (shape[2], shape[3], shape[4]) : (1, shape[2], shape[3])
  }

  /// Resolved window geometry for an input shape.
  func geometry(_ inputShape: [Int]) -> ConvGeometry {
    precondition(
      inputShape.count == weight.rank,
      "Convolution: input rank \(inputShape.count) for weight rank \(weight.rank) (input \(inputShape))")
    precondition(
      inputShape[1] == inputChannels,
      "Convolution: input has \(inputShape[1]) channels, \(inputChannels) expected")
    let k = Self.kernel5(weight.shape)
    let three = weight.rank == 5
    let t = three ? inputShape[2] : 1
    let h = inputShape[three ? 3 : 2]
    let w = inputShape[three ? 4 : 3]
    let off = three ? 1 : 0
    let tAxis =
      three
      ? WindowAxis(input: t, kernel: k.t, stride: stride[0], padding: padding, axis: 0)
      : WindowAxis(input: 1, kernel: 1, stride: 1, padding: .valid, axis: 0)
    return ConvGeometry(
      n: inputShape[0], c: inputShape[1], t: tAxis,
      h: WindowAxis(input: h, kernel: k.h, stride: stride[off], padding: padding, axis: off),
      w: WindowAxis(input: w, kernel: k.w, stride: stride[off + 1], padding: padding, axis: off + 1))
  }
}

/// Input extents and resolved windows of one convolution call.
struct ConvGeometry {
  /// Batch size.
  var n: Int
  /// Input channels.
  var c: Int
  /// Temporal window (kernel 1, stride 1 for 2-D convolutions).
  var t: WindowAxis
  /// Vertical window.
  var h: WindowAxis
  /// Horizontal window.
  var w: WindowAxis

  /// Elements per input channel.
  var inputPlane: Int { t.input * h.input * w.input }
  /// Elements per output channel.
  var outputPlane: Int { t.output * h.output * w.output }
}
