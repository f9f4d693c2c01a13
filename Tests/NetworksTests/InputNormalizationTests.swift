import Networks
import Tensor
import Testing

/// Input presets map 0…255 RGB as their checkpoints expect (tolerance 1e-6 absolute).
@Suite struct InputNormalizationTests {
  @Test func presetsMapKnownValues() {
    let x = Tensor(shape: [1, 3, 1, 2], scalars: [0, 255, 0, 255, 0, 255])
    let unit = InputNormalization.unitRange(x).scalars
    #expect(unit == [0, 1, 0, 1, 0, 1])
    let symmetric = InputNormalization.symmetricUnit(x).scalars
    #expect(zip(symmetric, [-1, 1, -1, 1, -1, 1] as [Float]).allSatisfy { abs($0 - $1) <= 1e-6 })
    let vgg = InputNormalization.vggMeans(Tensor(shape: [1, 3, 1, 1], scalars: [123.68, 0, 255])).scalars
    let expected: [Float] = [0, -116.779, 255 - 103.939]
    #expect(zip(vgg, expected).allSatisfy { abs($0 - $1) <= 1e-4 })
    let kinetics = InputNormalization.kineticsTorchvision(
      Tensor(shape: [1, 3, 1, 1], scalars: [255, 255, 255]))
    let k: [Float] = [(1 - 0.43216) / 0.22803, (1 - 0.394666) / 0.22145, (1 - 0.37645) / 0.216989]
    #expect(zip(kinetics.scalars, k).allSatisfy { abs($0 - $1) <= 1e-5 })
  }
}
