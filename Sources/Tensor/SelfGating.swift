import RealModule

/// S3D-G feature gating: `x · sigmoid(W · mean_{T,H,W}(x) + b)` per channel.
///
/// Input NCTHW (or any `[n, c, ...]`). `weight` is `[c, c]` in the `Linear` convention
/// (`gate = W · mean`), i.e. the transpose of TF-slim's `transformer_W [1,1,1,c,c]`; `bias` is
/// `[c]` (HowTo100M port) or `nil` (TF-slim).
public struct SelfGating: Sendable {
  /// Gate matrix `[c, c]`.
  public let weight: Tensor
  /// Gate bias `[c]`, or `nil`.
  public let bias: Tensor?

  /// A gate with a `[c, c]` weight and optional `[c]` bias.
  public init(weight: Tensor, bias: Tensor? = nil) {
    precondition(
      weight.rank == 2 && weight.shape[0] == weight.shape[1],
      "SelfGating: weight \(weight.shape), [c, c] expected")
    if let bias { precondition(bias.shape == [weight.shape[0]], "SelfGating: bias \(bias.shape)") }
    self.weight = weight
    self.bias = bias
  }

  /// Number of gated channels.
  public var channels: Int { weight.shape[0] }

  /// Gates `x` (`[n, c, ...]`).
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var y = x
    apply(to: &y, channelOffset: 0)
    return y
  }

  /// Gates channels `channelOffset ..< channelOffset + channels` of `x` in place.
  public func apply(to x: inout Tensor, channelOffset: Int) {
    let g = gates(of: x, channelOffset: channelOffset)
    scale(&x, channelOffset: channelOffset, by: g)
  }

  /// The gate values `sigmoid(W · mean + b)` of channels `channelOffset ..< channelOffset +
  /// channels` of `x`, per sample (`[n][channels]`).
  ///
  /// With ``scale(_:channelOffset:by:)`` this splits ``apply(to:channelOffset:)`` so that a max pool
  /// can run between the two: the gates are positive per-channel factors, and `max(s·a, s·b) =
  /// s·max(a, b)` holds exactly in floating point for `s ≥ 0`, so pooling first and scaling the
  /// smaller pooled map gives the same bits with one pass over the large map fewer.
  public func gates(of x: Tensor, channelOffset: Int) -> [[Float]] {
    checkChannels(x.shape, channelOffset)
    let total = x.shape[1]
    let plane = x.count / max(x.shape[0] * total, 1)
    let c = channels
    return x.withUnsafeBufferPointer { xs in
      (0..<x.shape[0]).map { n in
        let block = xs.baseAddress! + (n * total + channelOffset) * plane
        var means = [Float](repeating: 0, count: c)
        var gates = [Float](repeating: 0, count: c)
        means.withUnsafeMutableBufferPointer { m in
          let box = UncheckedSendable((block, m.baseAddress!))
          Compute.parallelFor(c) { ch in
            let (block, m) = box.value
            m[ch] = Reduce.sum(block + ch * plane, count: plane) / Float(max(plane, 1))
          }
        }
        weight.withUnsafeBufferPointer { w in
          means.withUnsafeBufferPointer { m in
            gates.withUnsafeMutableBufferPointer { g in
              Compute.gemv(m: c, n: c, a: w.baseAddress!, lda: c, x: m.baseAddress!, y: g.baseAddress!)
            }
          }
        }
        let b = bias?.scalars
        for ch in 0..<c { gates[ch] = 1 / (1 + Float.exp(-(gates[ch] + (b?[ch] ?? 0)))) }
        return gates
      }
    }
  }

  /// Multiplies channels `channelOffset ..< channelOffset + channels` of every sample of `x` by
  /// `gates` (``gates(of:channelOffset:)``, `[n][channels]`), in place.
  public func scale(_ x: inout Tensor, channelOffset: Int, by gates: [[Float]]) {
    checkChannels(x.shape, channelOffset)
    precondition(
      gates.count == x.shape[0] && gates.allSatisfy { $0.count == channels },
      "SelfGating: \(gates.count) gate vectors for input \(x.shape)")
    let total = x.shape[1]
    let plane = x.count / max(x.shape[0] * total, 1)
    x.makeUnique()
    let base = x.storage.base
    for n in 0..<x.shape[0] {
      let block = base + (n * total + channelOffset) * plane
      gates[n].withUnsafeBufferPointer { g in
        let box = UncheckedSendable((block, g.baseAddress!))
        Compute.parallelFor(channels) { ch in
          let (block, g) = box.value
          let row = block + ch * plane
          let s = g[ch]
          for i in 0..<plane { row[i] *= s }
        }
      }
    }
  }

  private func checkChannels(_ shape: [Int], _ channelOffset: Int) {
    precondition(
      shape.count >= 2 && channelOffset >= 0 && channelOffset + channels <= shape[1],
      "SelfGating: input \(shape) has no channels \(channelOffset)..<\(channelOffset + channels)")
  }
}
