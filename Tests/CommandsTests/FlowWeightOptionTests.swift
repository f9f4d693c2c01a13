import Testing

@testable import Commands

/// `--flow-weight W` of `detect --flow` and `eval-framemap --flow-detector`: the flow stream's share
/// of the fused scores.
@Suite struct FlowWeightOptionTests {
  @Test func detectTakesAWeightInZeroToOneWithAFlowDetector() throws {
    let base = ["v.mp4", "--out", "o"]
    #expect(try Detect.parse(base + ["--flow", "f.safetensors"]).flowWeight == 0.5)
    let command = try Detect.parse(base + ["--flow", "f.safetensors", "--flow-weight", "1"])
    #expect(command.flowWeight == 1)
    for (extra, message) in [
      (["--flow-weight", "1"], "--flow-weight needs --flow FILE"),
      (["--flow", "f.safetensors", "--flow-weight", "1.5"], "--flow-weight must be in 0...1, got 1.5"),
      (["--flow", "f.safetensors", "--flow-weight", "nan"], "--flow-weight must be in 0...1"),
    ] {
      #expect(throws: (any Error).self, "\(extra)") { try Detect.parse(base + extra) }
      do {
        _ = try Detect.parse(base + extra)
      } catch {
        let text = Detect.message(for: error)
        #expect(text.contains(message) && !text.contains("\n"), "\(text)")
      }
    }
  }

  @Test func evalTakesAWeightOnlyWithAFlowDetector() throws {
    let detector = ["jhmdb", "split1", "--detector", "d.safetensors", "--frames-root", "F"]
    let parsed = try EvalFrameMAP.parse(
      detector + ["--flow-detector", "f.safetensors", "--flow-weight", "0.75"])
    #expect(parsed.detector.flowWeight == 0.75)
    #expect(throws: (any Error).self) { try EvalFrameMAP.parse(detector + ["--flow-weight", "0.75"]) }
    #expect(throws: (any Error).self) {
      try EvalFrameMAP.parse(detector + ["--flow-detector", "f.safetensors", "--flow-weight", "-1"])
    }
  }

  /// The average's record is the one written before the option existed; any other weight is named,
  /// so the cached detections of two weights never mix.
  @Test func runRecordNamesAWeightOtherThanTheAverage() throws {
    func record(_ weight: Float) throws -> String {
      try DetectorRunOptions.runRecord(
        checkpoint: "/nonexistent.safetensors", provenance: "trained", every: 1, scoreThreshold: 0.05,
        flow: (checkpoint: "/nonexistent-flow.safetensors", provenance: "trained", root: nil, weight: weight))
    }
    let average = try record(0.5)
    #expect(average.hasSuffix("flow: TV-L1 computed from the frames\n"))
    #expect(try record(1) == average + "flow weight: 1.0\n")
  }
}
