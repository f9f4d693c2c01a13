import Testing

@testable import Tensor

/// A convolution gives the same bits whatever the thread count: every output sums its terms in an
/// order that depends on its position only, not on where the columns split between threads.
struct ConvolutionSplitTests {
  private func output(
    _ input: [Int], out: Int, kernel: [Int], stride: [Int], padding: Padding, threads: Int
  ) -> [Float] {
    splitTestOutput(
      input, out: out, kernel: kernel, stride: stride, padding: padding, threads: threads, seed: 11)
  }

  /// Few output channels, so two threads split the columns (the temporal case summed its taps in
  /// an order that depended on the chunk until session 33).
  @Test(arguments: [
    ([1, 24, 4, 40, 72], 8, [3, 1, 1], [1, 1, 1]),
    ([1, 16, 5, 36, 40], 8, [3, 1, 1], [1, 1, 1]),
    ([1, 16, 6, 36, 40], 8, [3, 1, 1], [2, 1, 1]),
    ([1, 64, 2, 40, 72], 15, [1, 1, 1], [1, 1, 1]),
    ([1, 16, 1, 80, 72], 16, [1, 3, 3], [1, 2, 2]),
  ])
  func twoThreadsGiveOneThreadsBits(_ input: [Int], _ out: Int, _ kernel: [Int], _ stride: [Int]) {
    let one = output(input, out: out, kernel: kernel, stride: stride, padding: .same, threads: 1)
    let two = output(input, out: out, kernel: kernel, stride: stride, padding: .same, threads: 2)
    let differing = one.indices.filter { one[$0].bitPattern != two[$0].bitPattern }.count
    #expect(differing == 0, "\(differing) of \(one.count) outputs differ")
  }
}

/// Balanced splits (``ThreadSpeeds``) cut where the threads' speeds say, so the cuts depend on
/// timing: the layers that use them must give the same bits wherever the cuts fall. Only the own
/// fp32 kernel's splits are balanced (OpenBLAS's sums depend on the cuts: its channel splits
/// differ from one thread's result even when equal).
@Suite(
  .enabled(
    if: Compute.ownF32Kernel,
    "the process does not use the own fp32 kernel (no AVX2 with FMA, or TENSOR_F32_KERNEL=openblas)"))
struct BalancedSplitTests {
  private func output(
    _ input: [Int], out: Int, kernel: [Int], stride: [Int], threads: Int, shares: [Double]?
  ) -> [Float] {
    ThreadSpeeds.$fixedShares.withValue(shares) {
      splitTestOutput(
        input, out: out, kernel: kernel, stride: stride, padding: .same, threads: threads, seed: 12)
    }
  }

  /// Columns split (many positions), channels split (few positions, many channels), Winograd by
  /// tile rows and by channels, strided phase planes.
  @Test(arguments: [
    ([1, 32, 1, 48, 64], 64, [1, 1, 1], [1, 1, 1]),
    ([1, 64, 1, 12, 14], 96, [1, 1, 1], [1, 1, 1]),
    ([1, 32, 1, 48, 64], 32, [1, 3, 3], [1, 1, 1]),
    ([1, 48, 1, 12, 14], 48, [1, 3, 3], [1, 1, 1]),
    ([1, 16, 1, 80, 72], 32, [1, 3, 3], [1, 2, 2]),
    ([1, 32, 1, 16, 18], 64, [1, 3, 3], [1, 2, 2]),
  ])
  func skewedSharesGiveOneThreadsBits(_ input: [Int], _ out: Int, _ kernel: [Int], _ stride: [Int]) {
    let one = output(input, out: out, kernel: kernel, stride: stride, threads: 1, shares: nil)
    for shares in [[0.8, 0.2], [0.25, 0.75]] {
      let two = output(input, out: out, kernel: kernel, stride: stride, threads: 2, shares: shares)
      let differing = one.indices.filter { one[$0].bitPattern != two[$0].bitPattern }.count
      #expect(differing == 0, "shares \(shares): \(differing) of \(one.count) outputs differ")
    }
  }
}

/// The output of a seeded random convolution (bias, ReLU) on a seeded random input of shape
/// `input`, run on `threads` threads.
private func splitTestOutput(
  _ input: [Int], out: Int, kernel: [Int], stride: [Int], padding: Padding, threads: Int, seed: UInt64
) -> [Float] {
  var rng = SeededRandom(seed: seed)
  let c = input[1]
  let weights = (0..<(out * c * kernel.reduce(1, *))).map { _ in rng.next() }
  let w = Tensor(shape: [out, c] + kernel, scalars: weights)
  let b = Tensor(shape: [out], scalars: (0..<out).map { _ in rng.next() })
  let x = Tensor(shape: input, scalars: (0..<input.reduce(1, *)).map { _ in rng.next() })
  let conv = Convolution(weight: w, bias: b, stride: stride, padding: padding, activation: .relu)
  return Compute.withThreadCount(threads) { conv(x).scalars }
}
