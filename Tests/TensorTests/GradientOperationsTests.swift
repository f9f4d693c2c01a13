import Testing

@testable import Tensor

/// ReLU / ReLU6 backward, global-mean backward, channel split and gradient accumulation.
/// Finite differences: ε 1e-2 (inputs kept ≥ 0.05 from every kink), error ≤ 1e-3 of the largest gradient.
@Suite struct GradientOperationsTests {
  /// Uniform values in [−8, 8) moved away from the kinks at 0 and 6.
  func awayFromKinks(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SeededRandom(seed: seed)
    let s = rng.tensor(shape).scalars.map { v -> Float in
      let x = v * 8
      return abs(x) < 0.05 || abs(x - 6) < 0.05 ? x + 0.1 : x
    }
    return Tensor(shape: shape, scalars: s)
  }

  @Test func reluBackward() {
    let x = awayFromKinks([2, 3, 4, 5], seed: 31)
    let w = SeededRandom(seed: 32).tensorCopy([2, 3, 4, 5])
    let dx = Tensor.reluBackward(output: x.relu(), outputGradient: w)
    #expect(finiteDifferenceError(at: x, analytic: dx, coordinates: 40) { weightedSum($0.relu(), w) } <= 1e-3)
  }

  @Test func relu6ForwardAndBackward() {
    let x = awayFromKinks([2, 3, 4, 5], seed: 33)
    #expect(x.relu6().scalars == x.scalars.map { min(max($0, 0), 6) })
    let w = SeededRandom(seed: 34).tensorCopy([2, 3, 4, 5])
    let dx = Tensor.relu6Backward(output: x.relu6(), outputGradient: w)
    #expect(
      finiteDifferenceError(at: x, analytic: dx, coordinates: 40) { weightedSum($0.relu6(), w) } <= 1e-3)
  }

  @Test func globalMeanBackward() {
    var rng = SeededRandom(seed: 35)
    let x = rng.tensor([2, 3, 2, 3, 4])
    let w = rng.tensor([2, 3])
    let dx = Tensor.globalMeanBackward(outputGradient: w, inputShape: x.shape)
    #expect(finiteDifferenceError(at: x, analytic: dx) { weightedSum($0.globalMean(), w) } <= 1e-3)
  }

  @Test func splitChannelsInvertsConcatenation() {
    var rng = SeededRandom(seed: 36)
    let parts = [rng.tensor([2, 3, 2, 5]), rng.tensor([2, 1, 2, 5]), rng.tensor([2, 4, 2, 5])]
    let split = Tensor.concatenateChannels(parts).splitChannels([3, 1, 4])
    #expect(split.map(\.shape) == parts.map(\.shape))
    #expect(zip(split, parts).allSatisfy { $0.scalars == $1.scalars })
  }

  @Test func accumulateAndScale() {
    var rng = SeededRandom(seed: 37)
    // Large enough to be split between threads.
    let (a, b) = (rng.tensor([3, 50_000]), rng.tensor([3, 50_000]))
    var sum = a
    sum += b
    sum.scale(by: 0.5)
    let expected = zip(a.scalars, b.scalars).map { ($0 + $1) * 0.5 }
    #expect(sum.scalars == expected)
    #expect(a.scalars != sum.scalars)  // copy-on-write: `a` untouched
  }
}

extension SeededRandom {
  /// A tensor from a copy of this generator (for one-line weight tensors).
  func tensorCopy(_ shape: [Int]) -> Tensor {
    var copy = self
    return copy.tensor(shape)
  }
}
