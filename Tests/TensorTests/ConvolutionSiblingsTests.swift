import Testing

@testable import Tensor

/// `Convolution.runSiblings`: pointwise convolutions of one input run chunk by chunk together give
/// the bits of running each alone, into channel slices of their outputs, over several samples; a
/// layer that is not pointwise sends the set down the one-by-one path.
struct ConvolutionSiblingsTests {
  /// Three 1×1×1 layers (widths of an inception block's openers, scaled down) with bias and ReLU,
  /// the first into channels 3… of a wider output, on a map wide enough for several chunks.
  @Test func siblingsGiveTheBitsOfSeparateRuns() {
    var rng = SeededRandom(seed: 31)
    let x = rng.tensor([2, 40, 3, 20, 25])
    let widths = [24, 16, 8]
    let convs = widths.map {
      Convolution(weight: rng.tensor([$0, 40, 1, 1, 1]), bias: rng.tensor([$0]), activation: .relu)
    }
    var separate = [Tensor(shape: [2, 30, 3, 20, 25], repeating: .nan)]
    convs[0].forward(x, into: &separate[0], channelOffset: 3)
    separate += convs.dropFirst().map { $0(x) }
    var together = [
      Tensor(shape: [2, 30, 3, 20, 25], repeating: .nan), Tensor(uninitializedShape: [2, 16, 3, 20, 25]),
      Tensor(uninitializedShape: [2, 8, 3, 20, 25]),
    ]
    Convolution.runSiblings(convs, on: x, into: &together, channelOffsets: [3, 0, 0])
    for (a, b) in zip(separate, together) {
      #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern))
    }
  }

  /// Small maps: many samples (ROI tubes, a sample per worker) and one sample (each layer alone,
  /// its channels split between threads).
  @Test(arguments: [[12, 24, 2, 7, 7], [1, 24, 1, 7, 9]])
  func smallMapsGiveTheBitsOfSeparateRuns(_ shape: [Int]) {
    var rng = SeededRandom(seed: 33)
    let x = rng.tensor(shape)
    let convs = [16, 40].map {
      Convolution(weight: rng.tensor([$0, 24, 1, 1, 1]), bias: rng.tensor([$0]), activation: .relu)
    }
    var together = convs.map { Tensor(uninitializedShape: $0.outputShape(for: shape)) }
    Convolution.runSiblings(convs, on: x, into: &together, channelOffsets: [0, 0])
    for (conv, y) in zip(convs, together) {
      #expect(conv(x).scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
    }
  }

  /// A 3×3 layer among the siblings: every layer runs alone, with the same results.
  @Test func aLayerThatIsNotPointwiseRunsAlone() {
    var rng = SeededRandom(seed: 32)
    let x = rng.tensor([1, 6, 9, 11])
    let convs = [
      Convolution(weight: rng.tensor([4, 6, 1, 1]), bias: rng.tensor([4])),
      Convolution(weight: rng.tensor([5, 6, 3, 3]), padding: .symmetric([1, 1])),
    ]
    var together = [Tensor(uninitializedShape: [1, 4, 9, 11]), Tensor(uninitializedShape: [1, 5, 9, 11])]
    Convolution.runSiblings(convs, on: x, into: &together, channelOffsets: [0, 0])
    for (conv, y) in zip(convs, together) {
      #expect(conv(x).scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
    }
  }
}
