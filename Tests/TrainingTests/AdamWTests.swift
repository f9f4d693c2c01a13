import Foundation
import Networks
import Tensor
import Testing
import Training

/// AdamW against `torch.optim.AdamW` (lr changing every step, weight decay 0.01): expected values
/// printed by tools/make_adamw_fixture.py.
@Suite struct AdamWTests {
  /// The fixture's gradient formula: sin(1 + 0.7·step + 0.3·i) · (1 + i mod 3), i from `index`.
  static func gradient(step: Int, index: Int, count: Int) -> [Float] {
    (index..<index + count).map { i -> Float in
      let angle: Double = 1 + 0.7 * Double(step) + 0.3 * Double(i)
      let factor = Double(1 + i % 3)
      return Float(sin(angle) * factor)
    }
  }

  @Test func fiveStepsMatchPyTorch() throws {
    let a = Parameter(name: "a", value: Tensor(shape: [4], scalars: [0.5, -1.25, 2.0, 0.0]))
    let b = Parameter(name: "b", value: Tensor(shape: [2, 3], scalars: [0.1, 0.2, -0.3, 1.5, -2.5, 0.75]))
    let frozen = Parameter(name: "frozen", value: Tensor(shape: [2], scalars: [1, 2]))
    frozen.isFrozen = true
    var optimiser = AdamW(weightDecay: 0.01)
    for step in 1...5 {
      a.setGradient(Tensor(shape: [4], scalars: Self.gradient(step: step, index: 0, count: 4)))
      b.setGradient(Tensor(shape: [2, 3], scalars: Self.gradient(step: step, index: 4, count: 6)))
      optimiser.step([a, b, frozen], learningRate: 1e-3 * Float(step), step: step)
    }
    let expectedA: [Float] = [0.49403441, -1.25248873, 2.00077057, 0.00517709646]
    let expectedB: [Float] = [0.109101728, 0.213212788, -0.286307573, 1.51276648, -2.48801804, 0.759552062]
    let expectedSecondA: [Float] = [0.00276564108, 0.0109281931, 0.023540847, 0.00245710625]
    for (got, want) in zip(a.value.scalars + b.value.scalars, expectedA + expectedB) {
      #expect(abs(got - want) <= 2e-7 * max(1, abs(want)), "\(got) vs \(want)")
    }
    for (got, want) in zip(optimiser.secondMoment["a"]!.scalars, expectedSecondA) {
      #expect(abs(got - want) <= 1e-6 * abs(want), "\(got) vs \(want)")
    }
    #expect(frozen.value.scalars == [1, 2])
    #expect(optimiser.secondMoment["frozen"] == nil)
  }

  @Test func savedStateRestoresExactly() throws {
    let p = Parameter(name: "p", value: Tensor(shape: [3], scalars: [1, -2, 3]))
    var first = AdamW()
    p.setGradient(Tensor(shape: [3], scalars: [0.5, 0.25, -1]))
    first.step([p], learningRate: 0.01, step: 1)
    var second = AdamW()
    for (key, value) in first.savedState {
      let restored = second.restore(value, key: key)
      #expect(restored)
    }
    let foreign = second.restore(Tensor(shape: [1]), key: "velocity.p")
    #expect(!foreign)
    let q = Parameter(name: "p", value: p.value)
    p.setGradient(Tensor(shape: [3], scalars: [0.1, -0.2, 0.3]))
    q.setGradient(p.gradient)
    first.step([p], learningRate: 0.01, step: 2)
    second.step([q], learningRate: 0.01, step: 2)
    #expect(p.value.scalars == q.value.scalars)
  }
}
