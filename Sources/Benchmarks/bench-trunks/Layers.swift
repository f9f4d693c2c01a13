import Foundation
import Tensor

/// Deterministic weights for benchmark graphs (values do not matter, magnitudes do: He scaling
/// keeps activations in a normal range so no denormals slow anything down).
struct WeightSource {
  private var state: UInt64 = 0x1234_5678

  /// Uniform values with the variance of He initialisation for `fanIn`.
  mutating func tensor(_ shape: [Int], fanIn: Int) -> Tensor {
    let scale = (6 / Float(max(fanIn, 1))).squareRoot()
    var t = Tensor(shape: shape)
    t.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        p[i] = (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
      }
    }
    return t
  }

  /// A convolution with a bias (a folded batch norm) and the given activation.
  mutating func conv(
    _ cin: Int, _ cout: Int, kernel: [Int], stride: [Int]? = nil, padding: Padding, relu: Bool = true
  ) -> Convolution {
    let fanIn = cin * kernel.reduce(1, *)
    return Convolution(
      weight: tensor([cout, cin] + kernel, fanIn: fanIn), bias: tensor([cout], fanIn: 100), stride: stride,
      padding: padding, activation: relu ? .relu : .identity)
  }
}

/// A convolution that charges its time to a kind named after its kernel, and notes its GEMM shape.
struct TimedConv {
  /// The layer.
  let conv: Convolution
  /// Profile kind, e.g. `conv 1x3x3`.
  let kind: String

  /// Wraps `conv`; the kind is `conv` plus the kernel extents (`s2` appended for strides above 1).
  init(_ conv: Convolution) {
    self.conv = conv
    let strided = conv.stride.contains { $0 > 1 } ? " s2" : ""
    kind = "conv " + conv.kernel.map(String.init).joined(separator: "x") + strided
  }

  /// FLOPs (2 × MACs) for an output shape.
  func flops(output: [Int]) -> Double {
    2 * Double(output.reduce(1, *)) * Double(conv.inputChannels * conv.kernel.reduce(1, *))
  }

  /// `BENCH_LAYER_DETAIL=1`: kinds name each layer's channels and output size (a per-layer table).
  static let detailed = ProcessInfo.processInfo.environment["BENCH_LAYER_DETAIL"] == "1"

  /// The profile kind of a run with output shape `out`: the kernel's kind, or with
  /// `BENCH_LAYER_DETAIL=1` the kind plus channels and output extents.
  func kind(output out: [Int]) -> String {
    guard Self.detailed else { return kind }
    let extent = out.dropFirst(2).map(String.init).joined(separator: "x")
    return kind + " \(conv.inputChannels)->\(conv.outputChannels) @\(extent)"
  }

  /// Runs the layer.
  func callAsFunction(_ x: Tensor, _ p: Profile, residual: Tensor? = nil) -> Tensor {
    let out = conv.outputShape(for: x.shape)
    note(out, p)
    return p.measure(kind(output: out), flops: flops(output: out)) {
      if let residual { return conv(x, residual: residual) }
      return conv(x)
    }
  }

  /// Runs pointwise siblings on one input (``Convolution/runSiblings(_:on:into:channelOffsets:)``),
  /// the first into channels 0… of `outputs[0]`, charged to the first layer's kind.
  static func runSiblings(_ layers: [TimedConv], on x: Tensor, into outputs: inout [Tensor], _ p: Profile) {
    let flops = layers.reduce(0) { $0 + $1.flops(output: $1.conv.outputShape(for: x.shape)) }
    for layer in layers { layer.note(layer.conv.outputShape(for: x.shape), p) }
    p.measure(layers[0].kind, flops: flops) {
      Convolution.runSiblings(
        layers.map(\.conv), on: x, into: &outputs, channelOffsets: Array(repeating: 0, count: layers.count))
    }
  }

  /// Runs the layer into a channel slice of `output`.
  func forward(_ x: Tensor, into output: inout Tensor, channelOffset: Int, _ p: Profile) {
    let out = conv.outputShape(for: x.shape)
    note(out, p)
    p.measure(kind(output: out), flops: flops(output: out)) {
      conv.forward(x, into: &output, channelOffset: channelOffset)
    }
  }

  func note(_ out: [Int], _ p: Profile) {
    p.noteGemm(
      GemmShape(
        kind: kind, m: conv.outputChannels, n: out.dropFirst(2).reduce(1, *) * out[0],
        k: conv.inputChannels * conv.kernel.reduce(1, *)))
  }
}
