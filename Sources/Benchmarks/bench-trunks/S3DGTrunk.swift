import Tensor

/// S3D-G (TF-slim `s3dg.py` defaults, TF SAME padding, self-gating from Conv2d_2c) input .. Mixed_4e
/// with random folded-BN weights: the graph of `../shared/bench/make_models.py` `s3dg_m4e`.
struct S3DGTrunk {
  /// A separable 3×3×3 unit: 1×3×3 (BN+ReLU) then 3×1×1 (bias+ReLU).
  struct Separable {
    let spatial: TimedConv
    let temporal: TimedConv
  }

  /// An Inception block with gated branches written straight into the concatenated output.
  struct Inception {
    let b0: TimedConv
    let b1a: TimedConv
    let b1b: Separable
    let b2a: TimedConv
    let b2b: Separable
    let b3: TimedConv
    let gates: [SelfGating]
    let pool = MaxPool(kernel: [3, 3, 3], stride: [1, 1, 1], padding: .same)
    let widths: [Int]
  }

  let conv1: TimedConv
  let conv2b: TimedConv
  let conv2c: Separable
  let gate2c: SelfGating
  let blocks3: [Inception]
  let blocks4: [Inception]

  /// Builds the trunk with deterministic random weights.
  init() {
    var w = WeightSource()
    conv1 = TimedConv(w.conv(3, 64, kernel: [3, 7, 7], stride: [2, 2, 2], padding: .same))
    conv2b = TimedConv(w.conv(64, 64, kernel: [1, 1, 1], padding: .same))
    conv2c = Self.separable(&w, 64, 192)
    gate2c = SelfGating(weight: w.tensor([192, 192], fanIn: 192))
    let specs3 = [(192, 64, 96, 128, 16, 32, 32), (256, 128, 128, 192, 32, 96, 64)]
    let specs4 = [
      (480, 192, 96, 208, 16, 48, 64), (512, 160, 112, 224, 24, 64, 64), (512, 128, 128, 256, 24, 64, 64),
      (512, 112, 144, 288, 32, 64, 64),
    ]
    blocks3 = specs3.map { Self.inception(&w, $0) }
    blocks4 = specs4.map { Self.inception(&w, $0) }
  }

  private static func separable(_ w: inout WeightSource, _ cin: Int, _ cout: Int) -> Separable {
    Separable(
      spatial: TimedConv(w.conv(cin, cout, kernel: [1, 3, 3], padding: .same)),
      temporal: TimedConv(w.conv(cout, cout, kernel: [3, 1, 1], padding: .same)))
  }

  private static func inception(
    _ w: inout WeightSource, _ s: (Int, Int, Int, Int, Int, Int, Int)
  ) -> Inception {
    let (cin, c0, c1a, c1b, c2a, c2b, c3) = s
    let widths = [c0, c1b, c2b, c3]
    return Inception(
      b0: TimedConv(w.conv(cin, c0, kernel: [1, 1, 1], padding: .same)),
      b1a: TimedConv(w.conv(cin, c1a, kernel: [1, 1, 1], padding: .same)),
      b1b: separable(&w, c1a, c1b),
      b2a: TimedConv(w.conv(cin, c2a, kernel: [1, 1, 1], padding: .same)),
      b2b: separable(&w, c2a, c2b),
      b3: TimedConv(w.conv(cin, c3, kernel: [1, 1, 1], padding: .same)),
      gates: widths.map { SelfGating(weight: w.tensor([$0, $0], fanIn: $0)) },
      widths: widths)
  }

  /// Runs the trunk on `[1, 3, 20, 320, 400]`, giving `[1, 528, 5, 20, 25]`.
  func callAsFunction(_ x: Tensor, _ p: Profile) -> Tensor {
    let poolHW = MaxPool(kernel: [1, 3, 3], stride: [1, 2, 2], padding: .same)
    var h = conv1(x, p)
    h = p.measure("maxpool") { poolHW(h) }
    h = conv2b(h, p)
    h = conv2c.temporal(conv2c.spatial(h, p), p)
    // As `Networks.S3DG` runs it: the gates from the full map, applied after the pool (same bits).
    let gates = p.measure("gating") { gate2c.gates(of: h, channelOffset: 0) }
    h = p.measure("maxpool") { poolHW(h) }
    p.measure("gating") { gate2c.scale(&h, channelOffset: 0, by: gates) }
    for b in blocks3 { h = run(b, h, p) }
    h = p.measure("maxpool") { MaxPool(kernel: [3, 3, 3], stride: [2, 2, 2], padding: .same)(h) }
    for b in blocks4 { h = run(b, h, p) }
    return h
  }

  private func run(_ b: Inception, _ x: Tensor, _ p: Profile) -> Tensor {
    var shape = x.shape
    shape[1] = b.widths.reduce(0, +)
    // The three 1×1×1 convolutions of `x` in one pass over it (branch 0 straight into the output).
    let siblings = [b.b0, b.b1a, b.b2a]
    var outs = p.measure("concat") {
      siblings.enumerated().map { i, conv in
        var branch = conv.conv.outputShape(for: x.shape)
        if i == 0 { branch = shape }
        return Tensor(uninitializedShape: branch)
      }
    }
    TimedConv.runSiblings(siblings, on: x, into: &outs, p)
    var out = outs[0]
    let (a1, a2) = (outs[1], outs[2])
    outs = []
    var offset = b.widths[0]
    b.b1b.temporal.forward(b.b1b.spatial(a1, p), into: &out, channelOffset: offset, p)
    offset += b.widths[1]
    b.b2b.temporal.forward(b.b2b.spatial(a2, p), into: &out, channelOffset: offset, p)
    offset += b.widths[2]
    let pooled = p.measure("maxpool") { b.pool(x) }
    b.b3.forward(pooled, into: &out, channelOffset: offset, p)
    p.measure("gating") {
      var o = 0
      for (gate, width) in zip(b.gates, b.widths) {
        gate.apply(to: &out, channelOffset: o)
        o += width
      }
    }
    return out
  }
}
