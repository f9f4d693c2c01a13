import Tensor

/// torchvision ResNet-50 (v1.5: stride on the 3×3) stem .. layer3 with random folded-BN weights,
/// the graph of `../shared/bench/make_models.py` `resnet50_l3`.
struct ResNetTrunk {
  /// One bottleneck block.
  struct Bottleneck {
    let conv1: TimedConv
    let conv2: TimedConv
    let conv3: TimedConv
    let downsample: TimedConv?
  }

  let stem: TimedConv
  let pool = MaxPool(kernel: [3, 3], stride: [2, 2], padding: .symmetric([1, 1]))
  let blocks: [Bottleneck]

  /// Builds the trunk with deterministic random weights.
  init() {
    var w = WeightSource()
    stem = TimedConv(w.conv(3, 64, kernel: [7, 7], stride: [2, 2], padding: .symmetric([3, 3])))
    var blocks: [Bottleneck] = []
    var cin = 64
    for (width, count, stride) in [(64, 3, 1), (128, 4, 2), (256, 6, 2)] {
      for i in 0..<count {
        let s = i == 0 ? stride : 1
        let out = width * 4
        let down =
          i == 0
          ? TimedConv(w.conv(cin, out, kernel: [1, 1], stride: [s, s], padding: .valid, relu: false)) : nil
        blocks.append(
          Bottleneck(
            conv1: TimedConv(w.conv(cin, width, kernel: [1, 1], padding: .valid)),
            conv2: TimedConv(
              w.conv(width, width, kernel: [3, 3], stride: [s, s], padding: .symmetric([1, 1]))),
            conv3: TimedConv(w.conv(width, out, kernel: [1, 1], padding: .valid)),
            downsample: down))
        cin = out
      }
    }
    self.blocks = blocks
  }

  /// Runs the trunk on `[1, 3, 320, 400]`, giving `[1, 1024, 20, 25]`.
  func callAsFunction(_ x: Tensor, _ p: Profile) -> Tensor {
    var h = stem(x, p)
    h = p.measure("maxpool") { pool(h) }
    for b in blocks {
      let identity = b.downsample.map { $0(h, p) } ?? h
      let a = b.conv1(h, p)
      let c = b.conv2(a, p)
      h = b.conv3(c, p, residual: identity)
    }
    return h
  }
}
