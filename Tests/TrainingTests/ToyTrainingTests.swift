import Networks
import Tensor
import Testing
import Training

/// A tiny 3-D network learns a toy task end to end with the project's own backward passes and SGD.
@Suite struct ToyTrainingTests {
  /// Motion directions of the toy task.
  static let directions = [(0, 1), (0, -1), (1, 0), (-1, 0)]

  /// A clip `[3, 4, 16, 16]` of a bright 4×4 square moving 2 px per frame in `direction`, on noise.
  static func clip(direction: Int, seed: UInt64) -> [Float] {
    var random = SplitMix(seed: seed)
    let (dy, dx) = directions[direction]
    let y0 = 6 + Int(random.next() * 4) - 2 - dy * 3
    let x0 = 6 + Int(random.next() * 4) - 2 - dx * 3
    var values = [Float](repeating: 0, count: 3 * 4 * 16 * 16)
    for c in 0..<3 {
      for t in 0..<4 {
        for y in 0..<16 {
          for x in 0..<16 {
            let inside =
              (y - (y0 + 2 * dy * t)) >= 0 && (y - (y0 + 2 * dy * t)) < 4
              && (x - (x0 + 2 * dx * t)) >= 0 && (x - (x0 + 2 * dx * t)) < 4
            values[((c * 4 + t) * 16 + y) * 16 + x] = (inside ? 1 : 0) + 0.2 * (random.next() - 0.5)
          }
        }
      }
    }
    return values
  }

  /// A batch of `size` clips with their labels.
  static func batch(size: Int, seed: UInt64) -> (Tensor, [Int]) {
    var random = SplitMix(seed: seed)
    var values: [Float] = []
    var labels: [Int] = []
    for i in 0..<size {
      let label = Int(random.next() * 4) % 4
      labels.append(label)
      values += clip(direction: label, seed: seed &* 1000 &+ UInt64(i))
    }
    return (Tensor(shape: [size, 3, 4, 16, 16], scalars: values), labels)
  }

  /// conv 3×3×3 (8) + BN + ReLU, stride 2 → conv 3×3×3 (16) + BN + ReLU → global mean → linear 4.
  static func network() throws -> TrainableSequence {
    var weights = WeightStore.seededInitialization(seed: 5)
    let norm = UnitNormalization.batchNorm(epsilon: 1e-3)
    return TrainableSequence([
      try TrainableConvUnit(
        weights: &weights, conv: "a.conv", norm: "a.bn", input: 3, output: 8, kernel: [3, 3, 3],
        stride: [1, 2, 2], padding: .symmetric([1, 1, 1]), normalization: norm),
      try TrainableConvUnit(
        weights: &weights, conv: "b.conv", norm: "b.bn", input: 8, output: 16, kernel: [3, 3, 3],
        stride: [1, 2, 2], padding: .symmetric([1, 1, 1]), normalization: norm),
      try TrainableResNetLogits(weights: &weights, channels: 16, classes: 4),
    ])
  }

  @Test func tinyNetworkLearnsMotionDirection() throws {
    let net = try Self.network()
    var optimiser = SGD(momentum: 0.9, weightDecay: 1e-4)
    var recent: [Float] = []
    for step in 0..<300 {
      let (x, labels) = Self.batch(size: 8, seed: UInt64(step))
      net.zeroGradients()
      let logits = net.forward(x)
      let (loss, gradient) = Loss.softmaxCrossEntropy(logits: logits, labels: labels)
      _ = net.backward(gradient, inputGradient: false)
      optimiser.step(net.parameters, learningRate: step < 20 ? 0.01 * Float(step + 1) / 2 : 0.1)
      recent.append(loss)
      if recent.count > 20 { recent.removeFirst() }
    }
    let meanLoss = recent.reduce(0, +) / Float(recent.count)
    // Stated bar: mean training loss of the last 20 steps below 0.1 (ln 4 = 1.386 at chance).
    #expect(meanLoss < 0.1, "mean loss of the last 20 steps: \(meanLoss)")

    net.setBatchNormMode(BatchNormMode.frozen)
    let (x, labels) = Self.batch(size: 64, seed: 999_999)
    let logits = net.forward(x).scalars
    var correct = 0
    for i in 0..<64 {
      let row = logits[(i * 4)..<(i * 4 + 4)]
      if row.firstIndex(of: row.max()!)! - i * 4 == labels[i] { correct += 1 }
    }
    // Held-out clips with the running statistics: at least 60 of 64 right.
    #expect(correct >= 60, "\(correct) of 64 held-out clips right")
  }
}

/// SplitMix64 numbers in [0, 1).
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) / Float(1 << 24)
  }
}
