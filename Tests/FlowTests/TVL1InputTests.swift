import Flow
import Testing

/// What TV-L1 refuses, and what it must do on trivial input.
@Suite struct TVL1InputTests {
  @Test func identicalFramesGiveZeroFlow() throws {
    let pixels = (0..<(40 * 30)).map { UInt8(truncatingIfNeeded: $0 * 7 % 251) }
    let frame = try #require(GrayImage(width: 40, height: 30, pixels: pixels))
    let flow = try TVL1OpticalFlow().flow(from: frame, to: frame)
    #expect(flow.dx.allSatisfy { $0 == 0 } && flow.dy.allSatisfy { $0 == 0 })
  }

  @Test func sizeMismatchIsAnError() throws {
    let a = try #require(GrayImage(width: 20, height: 20, pixels: .init(repeating: 0, count: 400)))
    let b = try #require(GrayImage(width: 20, height: 21, pixels: .init(repeating: 0, count: 420)))
    #expect(throws: FlowError.sizeMismatch(first: "20x20", second: "20x21")) {
      try TVL1OpticalFlow().flow(from: a, to: b)
    }
    let error = FlowError.sizeMismatch(first: "20x20", second: "20x21")
    #expect(error.description == "the two frames differ in size: 20x20 and 20x21")
  }

  @Test func tinyFramesAndBadSettingsAreErrors() throws {
    let tiny = try #require(GrayImage(width: 2, height: 5, pixels: .init(repeating: 0, count: 10)))
    #expect(throws: FlowError.frameTooSmall(width: 2, height: 5, minimum: 3)) {
      try TVL1OpticalFlow().flow(from: tiny, to: tiny)
    }
    var settings = TVL1Parameters()
    settings.tau = 0.5
    #expect(throws: FlowError.invalidParameters(reason: "tau must be in (0, 0.25], got 0.5")) {
      try TVL1OpticalFlow(parameters: settings)
    }
  }

  @Test func reusedSolverGivesTheSameFlow() throws {
    let pair = try FlowFixtures.pair("armwrestling_f100")
    let solver = try TVL1OpticalFlow()
    let once = try solver.flow(from: pair.first, to: pair.second)
    let twice = try solver.flow(from: pair.first, to: pair.second)
    #expect(once == twice)
  }
}
