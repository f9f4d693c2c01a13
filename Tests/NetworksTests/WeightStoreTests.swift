import Testing

@testable import Networks

@Suite struct WeightStoreTests {
  func store() throws -> WeightStore {
    try WeightStore(tensors: [
      "conv.weight": (shape: [2, 1, 1, 1], values: [1, 2]),
      "bn.bias": (shape: [2], values: [3, 4]),
      "extra": (shape: [1], values: [5]),
    ])
  }

  @Test func takeChecksShapeAndTracksUse() throws {
    var weights = try store()
    #expect(try weights.take("conv.weight", shape: [2, 1, 1, 1]) == [1, 2])
    #expect(throws: WeightError.shapeMismatch(key: "bn.bias", expected: [3], actual: [2])) {
      try weights.take("bn.bias", shape: [3])
    }
    #expect(throws: WeightError.missingKey(key: "nope")) { try weights.take("nope", shape: [1]) }
    _ = try weights.take("bn.bias", shape: [2])
    #expect(throws: WeightError.unusedKeys(["extra"])) { try weights.assertAllConsumed() }
    #expect(WeightError.unusedKeys(["extra"]).description == "weights: 1 key(s) never used: extra")
    _ = try weights.take("extra", shape: [1])
    try weights.assertAllConsumed()
  }

  @Test func prefixSelectsASubtree() throws {
    var weights = try WeightStore(tensors: [
      "context.a": (shape: [1], values: [1]), "keyframe.a": (shape: [1], values: [2]),
    ])
    weights.prefix = "keyframe."
    #expect(try weights.take("a", shape: [1]) == [2])
    try weights.assertAllConsumed(under: "keyframe.")
    #expect(throws: WeightError.unusedKeys(["context.a"])) { try weights.assertAllConsumed() }
  }

  @Test func refusesCountsThatDoNotMatchShapes() {
    #expect(throws: WeightError.self) { try WeightStore(tensors: ["a": (shape: [2], values: [1])]) }
  }
}
