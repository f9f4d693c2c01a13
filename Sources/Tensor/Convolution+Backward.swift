import Synchronization

/// Gradients of one convolution call.
public struct ConvolutionGradients: Sendable {
  /// dL/dx, same shape as the input; nil when not requested.
  public var input: Tensor?
  /// dL/dW, same shape as `weight`.
  public var weight: Tensor
  /// dL/db `[out]` when the convolution has a bias, else nil.
  public var bias: Tensor?

  /// Gradients with respect to the input (optional), the weight and the bias (optional).
  public init(input: Tensor?, weight: Tensor, bias: Tensor?) {
    self.input = input
    self.weight = weight
    self.bias = bias
  }
}

/// The backward pass: dL/dW, dL/db and dL/dx from the input `x`, the output gradient `dy` and the
/// weight (nothing else of the forward call is kept).
///
/// Routes, chosen by kernel like the forward's:
/// - dL/dW: 1×1(×1) stride-1 unpadded → `dY · Xᵀ` on the tensors as they are; 3×3 and 1×3×3 stride 1
///   on large maps → Winograd F(4×4, 3×3); 3×1×1 stride 1 where the forward uses temporal Winograd →
///   F(4, 3) along time; other k×1×1 with unit spatial stride and no spatial padding → one `dY · Xᵀ`
///   per tap on time-shifted views; anything else → im2col in chunks of output rows and `dY · colsᵀ`.
///   Positions (over all samples) are split between the workers, each summing into its own dL/dW,
///   then the partial sums are added; with few positions, dL/dW is split by output channels.
/// - dL/dx: stride-1 kernels whose padding is at most `kernel − 1` on each side → the forward of the
///   flipped, transposed kernel (`W'[i, o, …] = W[o, i, reversed]`, padding `kernel − 1 − pad`) on
///   `dY`, which takes the forward's pointwise, temporal, Winograd and im2col routes; temporal k×1×1
///   with a temporal stride → `W_tᵀ · dY` per tap on time-shifted views; anything else → `Wᵀ · dY`
///   into a column chunk, then a col2im scatter-add, the workers owning disjoint input channels.
/// - dL/db: the sum of `dY` over samples and positions.
extension Convolution {
  /// Gradients of `y = conv(x) + bias` given dL/dy (`outputGradient`, the shape of `callAsFunction(x)`).
  /// The activation is NOT included: callers apply the activation's backward first (a Convolution
  /// used for training is built with activation .identity). `inputGradient: false` skips dL/dx
  /// (first layer of a network).
  ///
  /// Layouts as in the forward: `x` `[n, in, t, h, w]` (or `[n, in, h, w]`), `dy`
  /// `[n, out, t', h', w']` (or `[n, out, h', w']`); dL/dW in the weight's layout `[out, in, kt, kh, kw]`.
  public func backward(input x: Tensor, outputGradient dy: Tensor, inputGradient: Bool = true)
    -> ConvolutionGradients
  {
    backward(input: x, outputGradient: dy, inputGradient: inputGradient, forceWinograd: false)
  }

  /// `backward(input:outputGradient:inputGradient:)`; `forceWinograd` makes dL/dx take the Winograd
  /// routes whenever the flipped kernel allows them (tests).
  func backward(input x: Tensor, outputGradient dy: Tensor, inputGradient: Bool, forceWinograd: Bool)
    -> ConvolutionGradients
  {
    let g = geometry(x.shape)
    let expected = outputShape(for: x.shape)
    precondition(
      dy.shape == expected, "Convolution.backward: output gradient \(dy.shape), \(expected) expected")
    let dW = weightGradient(x, dy, g, forceWinograd: forceWinograd)
    let db = bias == nil ? nil : biasGradient(dy, g)
    let dX = inputGradient ? self.inputGradient(x.shape, dy, g, forceWinograd: forceWinograd) : nil
    return ConvolutionGradients(input: dX, weight: dW, bias: db)
  }

  /// dL/db `[out]`: `dy` summed over samples and positions.
  func biasGradient(_ dy: Tensor, _ g: ConvGeometry) -> Tensor {
    let o = outputChannels
    let plane = g.outputPlane
    let db = Tensor(uninitializedShape: [o])
    let (src, dst) = (UnsafePointer(dy.storage.base), db.storage.base)
    Compute.parallelFor(o) { ch in
      var s: Float = 0
      for n in 0..<g.n { s += Reduce.sum(src + (n * o + ch) * plane, count: plane) }
      dst[ch] = s
    }
    withExtendedLifetime(dy) {}
    return db
  }

  /// Whether the kernel is 1×1(×1), stride 1 and unpadded (the forward's pointwise route).
  func isPointwise(_ g: ConvGeometry) -> Bool {
    Self.kernel5(weight.shape) == (1, 1, 1) && stride.allSatisfy { $0 == 1 } && g.t.padBefore == 0
      && g.h.padBefore == 0 && g.w.padBefore == 0 && g.t.output == g.t.input && g.h.output == g.h.input
      && g.w.output == g.w.input
  }

  /// Whether the kernel is k×1×1 (k > 1) with unit spatial stride and no spatial padding (the
  /// forward's temporal route: every output position reads the same position of other frames).
  func isTemporal(_ g: ConvGeometry) -> Bool {
    temporalTaps != nil && g.h.stride == 1 && g.w.stride == 1 && g.h.padBefore == 0 && g.w.padBefore == 0
      && g.h.output == g.h.input && g.w.output == g.w.input
  }

  /// The padding of the flipped convolution that gives dL/dx, or nil when dL/dx is not a stride-1
  /// convolution of `dy` (a stride above 1, or padding beyond `kernel − 1` on a side).
  func flippedPadding(_ g: ConvGeometry) -> [PadAmount]? {
    let axes = weight.rank == 5 ? [g.t, g.h, g.w] : [g.h, g.w]
    var pads: [PadAmount] = []
    for a in axes {
      guard a.stride == 1 && a.padBefore <= a.kernel - 1 && a.padAfter <= a.kernel - 1 else { return nil }
      pads.append(PadAmount(before: a.kernel - 1 - a.padBefore, after: a.kernel - 1 - a.padAfter))
    }
    return pads
  }

  /// The stride-1 convolution of `dy` that gives dL/dx: weight `[in, out, …]` with every spatial
  /// dimension reversed, no bias, identity activation (cached per padding).
  func flippedConvolution(padding pads: [PadAmount]) -> Convolution {
    backwardCache.convolution(padding: pads) {
      let (o, c) = (outputChannels, inputChannels)
      let k = Self.kernel5(weight.shape)
      let taps = k.t * k.h * k.w
      var flipped = Tensor(uninitializedShape: [c, o] + kernel)
      weight.withUnsafeBufferPointer { w in
        flipped.withUnsafeMutableBufferPointer { f in
          for oc in 0..<o {
            for ic in 0..<c {
              let source = (oc * c + ic) * taps
              let target = (ic * o + oc) * taps
              // Reversing the flattened taps reverses t, h and w at once.
              for i in 0..<taps { f[target + i] = w[source + taps - 1 - i] }
            }
          }
        }
      }
      return Convolution(weight: flipped, padding: .explicit(pads))
    }
  }
}

/// The flipped convolution a `Convolution` uses for dL/dx, built once per padding and shared by
/// copies of the layer (the weight never changes after construction).
final class FlippedConvolutionCache: Sendable {
  /// The padding it was built for and the convolution.
  private let entry = Mutex<(padding: [PadAmount], convolution: Convolution)?>(nil)

  /// An empty cache.
  init() {}

  /// The cached convolution for `padding`, or `make()`'s result, kept for the next call.
  func convolution(padding: [PadAmount], make: () -> Convolution) -> Convolution {
    if let hit = entry.withLock({ $0?.padding == padding ? $0?.convolution : nil }) { return hit }
    let made = make()
    entry.withLock { $0 = (padding, made) }
    return made
  }
}
