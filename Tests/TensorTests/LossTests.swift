import Foundation
import Testing

@testable import Tensor

/// Losses: values against a direct `Double` computation (relative 1e-5), gradients against central
/// finite differences (ε 1e-2 on `Double` re-evaluations of the `Float` loss; L∞ error relative to the
/// largest gradient ≤ 2e-3), and extreme logits (±80) finite.
@Suite struct LossTests {
  /// Direct softmax cross-entropy in `Double`: `Σ w · (logsumexp − z[label])` (and the weight sum).
  func referenceSoftmax(_ z: Tensor, _ labels: [Int], _ weights: [Float]?) -> (Double, Double) {
    let (n, k) = (z.shape[0], z.shape[1])
    let s = z.scalars.map(Double.init)
    var total = 0.0
    var weight = 0.0
    for r in 0..<n {
      let w = Double(weights?[r] ?? 1)
      if w == 0 { continue }
      let row = s[(r * k)..<((r + 1) * k)]
      let m = row.max()!
      let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
      total += w * (lse - row[r * k + labels[r]])
      weight += w
    }
    return (total, weight)
  }

  @Test(arguments: [Loss.Reduction.sum, .mean])
  func softmaxCrossEntropyWithWeightsAndIgnoredRows(_ reduction: Loss.Reduction) {
    var rng = SeededRandom(seed: 21)
    var z = rng.tensor([6, 5])
    z.scale(by: 3)
    let labels = [0, 4, -1, 2, 1, 3]
    let weights: [Float] = [1, 0.5, 0, 2, 1, 1]
    let (value, gradient) = Loss.softmaxCrossEntropy(
      logits: z, labels: labels, weights: weights, reduction: reduction)
    let (total, weight) = referenceSoftmax(z, labels, weights)
    let expected = reduction == .mean ? total / weight : total
    #expect(abs(Double(value) - expected) <= 1e-5 * abs(expected))
    // The ignored row (weight 0, label −1) gets no gradient.
    #expect((0..<5).allSatisfy { gradient[2, $0] == 0 })
    let error = finiteDifferenceError(at: z, analytic: gradient) { x in
      let (t, w) = referenceSoftmax(x, labels, weights)
      return reduction == .mean ? t / w : t
    }
    #expect(error <= 2e-3)
  }

  @Test func softmaxCrossEntropyExtremeLogits() {
    let z = Tensor(shape: [3, 3], scalars: [80, -80, 0, -80, -80, -80, 80, 80, -80])
    let (value, gradient) = Loss.softmaxCrossEntropy(logits: z, labels: [1, 0, 2], reduction: .sum)
    // Row 0: 160 + log(1 + e^−80 + e^−160); row 1: log 3; row 2: 160 + log 2.
    let expected = 160 + log(3.0) + 160 + log(2.0)
    #expect(value.isFinite && abs(Double(value) - expected) <= 1e-5 * expected)
    #expect(gradient.scalars.allSatisfy { $0.isFinite })
    #expect(abs(gradient[0, 0] - 1) <= 1e-6 && abs(gradient[0, 1] + 1) <= 1e-6)
    #expect(abs(gradient[2, 0] - 0.5) <= 1e-6 && abs(gradient[2, 2] + 1) <= 1e-6)
  }

  @Test func softmaxCrossEntropyAllRowsIgnored() {
    let z = Tensor(shape: [2, 3], repeating: 1)
    let (value, gradient) = Loss.softmaxCrossEntropy(logits: z, labels: [-1, -1], weights: [0, 0])
    #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 })
  }

  /// Direct sigmoid cross-entropy in `Double`.
  func referenceSigmoid(_ z: Tensor, _ t: Tensor, _ w: Tensor?) -> (Double, Double) {
    let (zs, ts, ws) = (z.scalars, t.scalars, w?.scalars)
    var total = 0.0
    var weight = 0.0
    for i in 0..<zs.count {
      let (x, y, v) = (Double(zs[i]), Double(ts[i]), Double(ws?[i] ?? 1))
      let p = 1 / (1 + exp(-x))
      total += v * -(y * log(p) + (1 - y) * log(1 - p))
      weight += v
    }
    return (total, weight)
  }

  @Test(arguments: [Loss.Reduction.sum, .mean], [false, true])
  func sigmoidCrossEntropy(_ reduction: Loss.Reduction, weighted: Bool) {
    var rng = SeededRandom(seed: 22)
    var z = rng.tensor([4, 6])
    z.scale(by: 4)
    let t = Tensor(
      shape: [4, 6], scalars: rng.tensor([4, 6]).scalars.map { $0 > 0 ? 1 : ($0 > -0.5 ? 0 : 0.3) })
    let w =
      weighted
      ? Tensor(shape: [4, 6], scalars: rng.tensor([4, 6]).scalars.map { $0 > -0.3 ? 1 + $0 : 0 }) : nil
    let (value, gradient) = Loss.sigmoidCrossEntropy(logits: z, targets: t, weights: w, reduction: reduction)
    let (total, weight) = referenceSigmoid(z, t, w)
    let expected = reduction == .mean ? total / weight : total
    #expect(abs(Double(value) - expected) <= 1e-5 * abs(expected))
    let error = finiteDifferenceError(at: z, analytic: gradient) { x in
      let (s, v) = referenceSigmoid(x, t, w)
      return reduction == .mean ? s / v : s
    }
    #expect(error <= 2e-3)
  }

  @Test func sigmoidCrossEntropyExtremeLogits() {
    let z = Tensor(shape: [4], scalars: [80, -80, 80, -80])
    let t = Tensor(shape: [4], scalars: [0, 1, 1, 0])
    let (value, gradient) = Loss.sigmoidCrossEntropy(logits: z, targets: t, reduction: .sum)
    #expect(value.isFinite && abs(value - 160) <= 1e-4)
    #expect(gradient.scalars.allSatisfy { $0.isFinite })
    #expect(abs(gradient[0] - 1) <= 1e-6 && abs(gradient[1] + 1) <= 1e-6)
    #expect(abs(gradient[2]) <= 1e-6 && abs(gradient[3]) <= 1e-6)
  }

  @Test(arguments: [Float(1.0 / 9), 1], [Loss.Reduction.sum, .mean])
  func smoothL1(_ beta: Float, _ reduction: Loss.Reduction) {
    var rng = SeededRandom(seed: 23)
    let p = rng.tensor([5, 4])
    var t = rng.tensor([5, 4])
    t.scale(by: 0.5)
    let w = Tensor(shape: [5, 4], scalars: rng.tensor([5, 4]).scalars.map { $0 > -0.4 ? 1 : 0 })
    func reference(_ x: Tensor) -> Double {
      let (a, b, ws) = (x.scalars, t.scalars, w.scalars)
      var total = 0.0
      var weight = 0.0
      for i in 0..<a.count {
        let d = abs(Double(a[i]) - Double(b[i]))
        let v = d < Double(beta) ? 0.5 * d * d / Double(beta) : d - 0.5 * Double(beta)
        total += Double(ws[i]) * v
        weight += Double(ws[i])
      }
      return reduction == .mean ? total / weight : total
    }
    let (value, gradient) = Loss.smoothL1(
      prediction: p, target: t, beta: beta, weights: w, reduction: reduction)
    #expect(abs(Double(value) - reference(p)) <= 1e-5 * reference(p))
    // ε below the distance of every difference from the kinks at ±beta.
    let error = finiteDifferenceError(at: p, analytic: gradient, epsilon: 1e-3, loss: reference)
    #expect(error <= 2e-3)
  }
}
