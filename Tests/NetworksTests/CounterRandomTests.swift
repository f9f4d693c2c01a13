import Networks
import Testing

@Suite struct CounterRandomTests {
  @Test func reproducesTheNumPyStreamsBitForBit() throws {
    for (name, shape) in [("resnet50", [1, 3, 64, 80]), ("s3d_input", [1, 3, 8, 64, 80])] {
      let file = try ParityFixtures.file(name)
      let committed = try file.floats("input")
      let generated = ParityFixtures.input(shape: shape).scalars
      #expect(file.entries["input"]?.shape == shape)
      #expect(generated == committed, "\(name): Swift and NumPy generators differ")
    }
  }

  @Test func knownValuesAndRange() {
    let generator = CounterRandom(seed: 42)
    // Printed by tools/counter_random.py: values(42, "input", (6,)).
    let expected: [Float] = [0.538591, 0.05576563, 0.28170872, 0.7423438, 0.33512712, -0.34485483]
    let got = generator.values("input", count: 6)
    for (a, b) in zip(got, expected) { #expect(abs(a - b) <= 1e-7) }
    #expect(CounterRandom.nameHash("input") == 2_214_555_572_463_777_371)
    let many = generator.values("x", count: 10_000, center: 1, halfWidth: 0.5)
    #expect(many.allSatisfy { $0 >= 0.5 && $0 < 1.5 })
  }
}
