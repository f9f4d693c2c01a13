import Networks
import Tensor
import Testing

/// The I3D "boring video" property of 2-D → 3-D inflation. Tolerance: max relative error ≤ 1e-5.
@Suite struct InflationTests {
  @Test func inflatedWeightIsRepeatedAndDivided() {
    let w = Tensor(shape: [1, 1, 1, 2], scalars: [3, -6])
    let inflated = inflate2DTo3D(weight: w, time: 3)
    #expect(inflated.shape == [1, 1, 3, 1, 2])
    #expect(inflated.scalars == [1, -2, 1, -2, 1, -2])
  }

  @Test func boringVideoGivesTheTwoDimensionalOutput() throws {
    // A 2-D ResNet stem block (7×7/2 conv + BN + ReLU, then a 3×3 conv with BN) from generated weights.
    let generator = CounterRandom(seed: 7)
    func values(_ name: String, _ count: Int, _ center: Float, _ half: Float) -> [Float] {
      generator.values(name, count: count, center: center, halfWidth: half)
    }
    var weights = try WeightStore(tensors: [
      "conv1.weight": ([16, 3, 7, 7], values("a", 16 * 3 * 49, 0, 0.1)),
      "bn1.weight": ([16], values("b", 16, 1, 0.5)), "bn1.bias": ([16], values("c", 16, 0, 0.2)),
      "bn1.running_mean": ([16], values("d", 16, 0, 0.2)), "bn1.running_var": ([16], values("e", 16, 1, 0.5)),
      "conv2.weight": ([8, 16, 3, 3], values("f", 8 * 16 * 9, 0, 0.2)),
      "conv2.bias": ([8], values("g", 8, 0, 0.2)),
    ])
    let unit1 = try ConvUnit(
      weights: &weights, conv: "conv1", norm: "bn1", input: 3, output: 16, kernel: [7, 7], stride: [2, 2],
      padding: .symmetric([3, 3]), normalization: .batchNorm(epsilon: 1e-5))
    let unit2 = try ConvUnit(
      weights: &weights, conv: "conv2", norm: "", input: 16, output: 8, kernel: [3, 3],
      padding: .symmetric([1, 1]), normalization: .bias, activation: .identity)
    try weights.assertAllConsumed()
    let image = Tensor(shape: [1, 3, 20, 24], scalars: values("image", 3 * 20 * 24, 0, 1))
    let expected = unit2(unit1(image))  // [1, 8, 10, 12]

    // Inflate: 3 frames in time for the first conv, 5 for the second; valid in time.
    let frames = 9
    var video = Tensor(shape: [1, 3, frames, 20, 24])
    video.withUnsafeMutableBufferPointer { v in
      image.withUnsafeBufferPointer { p in
        for c in 0..<3 {
          for t in 0..<frames {
            for i in 0..<(20 * 24) { v[(c * frames + t) * 480 + i] = p[c * 480 + i] }
          }
        }
      }
    }
    let conv1 = inflate2DTo3D(unit1.convolution, time: 3)
    let conv2 = inflate2DTo3D(unit2.convolution, time: 5, temporalPadding: .init(before: 2, after: 2))
    let output = conv2(conv1(video))  // [1, 8, 7, 10, 12]
    #expect(output.shape == [1, 8, 7, 10, 12])
    // conv1 is valid in time, so every frame is exact; conv2 pads 2 frames each side, so only the
    // frames whose window lies inside the clip (2 ..< 5) are.
    let out = output.scalars
    for t in 2..<5 {
      var frame = [Float]()
      for c in 0..<8 { frame += out[((c * 7 + t) * 120)..<((c * 7 + t) * 120 + 120)] }
      let error = maxRelativeError(Tensor(shape: [1, 8, 10, 12], scalars: frame), expected)
      #expect(error <= 1e-5, "frame \(t): error \(error)")
    }
    // A padded frame differs (the zero padding is not the boring video).
    var first = [Float]()
    for c in 0..<8 { first += out[(c * 7 * 120)..<(c * 7 * 120 + 120)] }
    #expect(maxRelativeError(Tensor(shape: [1, 8, 10, 12], scalars: first), expected) > 1e-3)
  }
}
