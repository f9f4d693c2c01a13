import Testing

@testable import Tensor

/// Self-gating and linear backward against central finite differences (ε 1e-2; L∞ error relative
/// to the largest gradient ≤ 2e-3 for the gate, which is nonlinear, 1e-3 for the linear layer).
@Suite struct GatingLinearBackwardTests {
  @Test(arguments: [false, true])
  func selfGatingBackward(withBias: Bool) {
    var rng = SeededRandom(seed: 61)
    let x = rng.tensor([2, 4, 2, 3, 5])
    var weight = rng.tensor([4, 4])
    weight.scale(by: 2)
    let bias = withBias ? rng.tensor([4]) : nil
    let gate = SelfGating(weight: weight, bias: bias)
    let w = rng.tensor(x.shape)
    let (dx, dW, dB) = gate.backward(input: x, outputGradient: w)
    #expect((dB == nil) == !withBias)
    let inputError = finiteDifferenceError(at: x, analytic: dx, coordinates: 40) { weightedSum(gate($0), w) }
    let weightError = finiteDifferenceError(at: weight, analytic: dW) {
      weightedSum(SelfGating(weight: $0, bias: bias)(x), w)
    }
    #expect(inputError <= 2e-3)
    #expect(weightError <= 2e-3)
    if let bias, let dB {
      let biasError = finiteDifferenceError(at: bias, analytic: dB) {
        weightedSum(SelfGating(weight: weight, bias: $0)(x), w)
      }
      #expect(biasError <= 2e-3)
    }
  }

  @Test(arguments: [false, true])
  func linearBackward(withBias: Bool) {
    var rng = SeededRandom(seed: 62)
    let x = rng.tensor([3, 7])
    let weight = rng.tensor([5, 7])
    let bias = withBias ? rng.tensor([5]) : nil
    let layer = Linear(weight: weight, bias: bias)
    let w = rng.tensor([3, 5])
    let (dx, dW, dB) = layer.backward(input: x, outputGradient: w)
    #expect((dB == nil) == !withBias)
    #expect(finiteDifferenceError(at: x, analytic: dx) { weightedSum(layer($0), w) } <= 1e-3)
    #expect(
      finiteDifferenceError(at: weight, analytic: dW) { weightedSum(Linear(weight: $0, bias: bias)(x), w) }
        <= 1e-3)
    if let bias, let dB {
      #expect(
        finiteDifferenceError(at: bias, analytic: dB) { weightedSum(Linear(weight: weight, bias: $0)(x), w) }
          <= 1e-3)
    }
  }
}
