import Foundation
import Testing

@testable import Tensor

/// Gating, linear, concatenation, means and element-wise ops against direct loops (tolerance 1e-5).
@Suite struct OperationsTests {
  @Test func selfGatingMatchesDirectLoop() {
    var rng = SeededRandom(seed: 21)
    let x = rng.tensor([2, 5, 3, 4, 6])
    let w = rng.tensor([5, 5])
    for bias in [rng.tensor([5]), nil] {
      let y = SelfGating(weight: w, bias: bias)(x)
      var expected = x.scalars
      let plane = 3 * 4 * 6
      let ws = w.scalars
      for n in 0..<2 {
        let means = (0..<5).map { c in
          (0..<plane).reduce(0.0) { $0 + Double(x.scalars[(n * 5 + c) * plane + $1]) } / Double(plane)
        }
        for o in 0..<5 {
          var s = Double(bias?.scalars[o] ?? 0)
          for c in 0..<5 { s += Double(ws[o * 5 + c]) * means[c] }
          let g = Float(1 / (1 + exp(-s)))
          for i in 0..<plane { expected[(n * 5 + o) * plane + i] *= g }
        }
      }
      #expect(maxRelativeError(y, Tensor(shape: x.shape, scalars: expected)) <= 1e-5)
    }
  }

  @Test func gatingInPlaceTouchesOnlyItsChannels() {
    var rng = SeededRandom(seed: 23)
    let x = rng.tensor([1, 6, 2, 3, 4])
    let gate = SelfGating(weight: rng.tensor([2, 2]))
    var y = x
    gate.apply(to: &y, channelOffset: 3)
    let parts = (0..<6).map { c in
      Tensor(shape: [1, 1, 2, 3, 4], scalars: Array(x.scalars[(c * 24)..<((c + 1) * 24)]))
    }
    let gated = gate(Tensor.concatenateChannels([parts[3], parts[4]]))
    let expected = Tensor.concatenateChannels([parts[0], parts[1], parts[2], gated, parts[5]])
    #expect(maxRelativeError(y, expected) <= 1e-6)
  }

  @Test func linearMatchesDirectLoop() {
    var rng = SeededRandom(seed: 29)
    let x = rng.tensor([3, 7])
    let w = rng.tensor([4, 7])
    let b = rng.tensor([4])
    let y = Linear(weight: w, bias: b)(x)
    var expected: [Float] = []
    for n in 0..<3 {
      for o in 0..<4 {
        expected.append(
          b.scalars[o] + (0..<7).reduce(0) { $0 + w.scalars[o * 7 + $1] * x.scalars[n * 7 + $1] })
      }
    }
    #expect(maxRelativeError(y, Tensor(shape: [3, 4], scalars: expected)) <= 1e-5)
  }

  @Test func concatenateAndMean() {
    let a = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
    let b = Tensor(shape: [2, 2, 2], scalars: [5, 6, 7, 8, 9, 10, 11, 12])
    let c = Tensor.concatenateChannels([a, b])
    #expect(c.shape == [2, 3, 2])
    #expect(c.scalars == [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12])
    #expect(c.globalMean().scalars == [1.5, 5.5, 7.5, 3.5, 9.5, 11.5])
    var rng = SeededRandom(seed: 31)
    let big = rng.tensor([1, 2, 1000])
    let mean = big.globalMean().scalars
    let ref = (0..<2).map { ch in (0..<1000).reduce(0.0) { $0 + Double(big.scalars[ch * 1000 + $1]) } / 1000 }
    #expect(abs(Double(mean[0]) - ref[0]) < 1e-5 && abs(Double(mean[1]) - ref[1]) < 1e-5)
  }

  @Test func reluAddAndCopyOnWrite() {
    let a = Tensor(shape: [4], scalars: [-1, 2, -3, 4])
    #expect(a.relu().scalars == [0, 2, 0, 4])
    #expect((a + a).scalars == [-2, 4, -6, 8])
    var b = a
    b[0] = 10
    #expect(a[0] == -1 && b[0] == 10)
    #expect(a.reshaped([2, 2])[1, 1] == 4)
  }
}
