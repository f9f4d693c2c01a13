import Foundation
import Testing

@testable import Tensor

/// Training-mode and frozen batch norm. Forward against a direct `Double` loop (relative 1e-5);
/// gradients against central finite differences (ε 1e-2, L∞ error relative to the largest gradient
/// ≤ 2e-3); running statistics against a hand-computed update (absolute 1e-6).
@Suite struct BatchNormTrainingTests {
  func parameters(channels c: Int, seed: UInt64, affine: Bool = true) -> BatchNormParameters {
    var rng = SeededRandom(seed: seed)
    let gamma = Tensor(shape: [c], scalars: rng.tensor([c]).scalars.map { 1 + 0.5 * $0 })
    return BatchNormParameters(
      gamma: affine ? gamma : nil, beta: affine ? rng.tensor([c]) : nil, mean: rng.tensor([c]),
      variance: Tensor(shape: [c], repeating: 2), epsilon: 1e-3)
  }

  /// Input `[2, 3, 2, 3, 4]` with per-channel offsets and scales (mean far from 0).
  func input(seed: UInt64) -> Tensor {
    var rng = SeededRandom(seed: seed)
    var x = rng.tensor([2, 3, 2, 3, 4])
    x.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count {
        let c = (i / 24) % 3
        p[i] = p[i] * Float(c + 1) + Float(10 * c)
      }
    }
    return x
  }

  @Test func forwardMatchesDirectLoop() {
    let bn = parameters(channels: 3, seed: 41)
    let x = input(seed: 42)
    let (y, stats) = bn.trainingForward(x)
    let xs = x.scalars.map(Double.init)
    let (g, b) = (bn.gamma!.scalars, bn.beta!.scalars)
    var expected = [Float](repeating: 0, count: x.count)
    for c in 0..<3 {
      let idx = (0..<x.count).filter { ($0 / 24) % 3 == c }
      let mean = idx.reduce(0) { $0 + xs[$1] } / Double(idx.count)
      let variance = idx.reduce(0) { $0 + (xs[$1] - mean) * (xs[$1] - mean) } / Double(idx.count)
      #expect(abs(Double(stats.mean[c]) - mean) <= 1e-5 * max(abs(mean), 1))
      #expect(abs(Double(stats.variance[c]) - variance) <= 1e-5 * variance)
      for i in idx {
        expected[i] = Float(Double(g[c]) * (xs[i] - mean) / (variance + 1e-3).squareRoot() + Double(b[c]))
      }
    }
    #expect(stats.elementsPerChannel == 48)
    #expect(maxRelativeError(y, Tensor(shape: x.shape, scalars: expected)) <= 1e-5)
  }

  @Test(arguments: [true, false])
  func backwardMatchesFiniteDifferences(affine: Bool) {
    let bn = parameters(channels: 3, seed: 43, affine: affine)
    let x = input(seed: 44)
    let w = SeededRandom(seed: 45).tensorCopy(x.shape)
    let (_, stats) = bn.trainingForward(x)
    let (dx, dGamma, dBeta) = bn.trainingBackward(input: x, statistics: stats, outputGradient: w)
    let inputError = finiteDifferenceError(at: x, analytic: dx, coordinates: 40) {
      weightedSum(bn.trainingForward($0).output, w)
    }
    #expect(inputError <= 2e-3)
    let gamma = bn.gamma ?? Tensor(shape: [3], repeating: 1)
    let beta = bn.beta ?? Tensor(shape: [3])
    let gammaError = finiteDifferenceError(at: gamma, analytic: dGamma) { g in
      var p = bn
      p.gamma = g
      return weightedSum(p.trainingForward(x).output, w)
    }
    let betaError = finiteDifferenceError(at: beta, analytic: dBeta) { b in
      var p = bn
      p.beta = b
      return weightedSum(p.trainingForward(x).output, w)
    }
    #expect(gammaError <= 2e-3)
    #expect(betaError <= 2e-3)
  }

  @Test func runningStatisticsUpdate() {
    // One channel holding 1, 2, 3, 4 over [2, 1, 1, 1, 2]: mean 2.5, biased variance 1.25,
    // unbiased 5/3. From mean 0, variance 1 with momentum 0.1: 0.25 and 0.9 + 0.1 · 5/3.
    var bn = BatchNormParameters(
      gamma: nil, beta: nil, mean: Tensor(shape: [1]), variance: Tensor(shape: [1], repeating: 1),
      epsilon: 1e-5)
    let (_, stats) = bn.trainingForward(Tensor(shape: [2, 1, 1, 1, 2], scalars: [1, 2, 3, 4]))
    #expect(abs(stats.variance[0] - 1.25) <= 1e-6)
    #expect(abs(stats.unbiasedVariance[0] - 5.0 / 3) <= 1e-6)
    bn.updateRunningStatistics(with: stats, momentum: 0.1)
    #expect(abs(bn.mean[0] - 0.25) <= 1e-6)
    #expect(abs(bn.variance[0] - (0.9 + 0.1 * 5.0 / 3)) <= 1e-6)
  }

  @Test func frozenBackward() {
    let bn = parameters(channels: 3, seed: 46)
    let x = input(seed: 47)
    let w = SeededRandom(seed: 48).tensorCopy(x.shape)
    let dx = bn.frozenBackward(outputGradient: w)
    #expect(finiteDifferenceError(at: x, analytic: dx) { weightedSum(bn($0), w) } <= 1e-3)
  }

  @Test func largeMapIsAccurate() {
    // [1, 4, 10, 80, 100]: the blocked float sums keep the statistics to float accuracy.
    var rng = SeededRandom(seed: 49)
    var x = rng.tensor([1, 4, 10, 80, 100])
    x.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = 100 + p[i] } }
    let bn = BatchNormParameters(
      gamma: nil, beta: nil, mean: Tensor(shape: [4]), variance: Tensor(shape: [4], repeating: 1),
      epsilon: 1e-5)
    let (y, stats) = bn.trainingForward(x)
    let plane = 80_000
    let xs = x.scalars
    for c in 0..<4 {
      var (s, s2) = (0.0, 0.0)
      for v in xs[(c * plane)..<((c + 1) * plane)] { s += Double(v) }
      let mean = s / Double(plane)
      for v in xs[(c * plane)..<((c + 1) * plane)] { s2 += (Double(v) - mean) * (Double(v) - mean) }
      #expect(abs(Double(stats.mean[c]) - mean) <= 1e-6 * mean)
      #expect(abs(Double(stats.variance[c]) - s2 / Double(plane)) <= 1e-4 * s2 / Double(plane))
    }
    let dy = SeededRandom(seed: 50).tensorCopy(x.shape)
    let (_, _, dBeta) = bn.trainingBackward(input: x, statistics: stats, outputGradient: dy)
    let sum = dy.scalars[0..<plane].reduce(0.0) { $0 + Double($1) }
    #expect(abs(Double(dBeta[0]) - sum) <= 1e-3)
    #expect(y.shape == x.shape)
  }
}
