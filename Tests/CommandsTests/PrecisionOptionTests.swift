import Tensor
import Testing

@testable import Commands

/// `--precision fp32|bf16` on `detect` and on `eval-framemap --detector`.
@Suite struct PrecisionOptionTests {
  @Test func detectParsesPrecision() throws {
    #expect(try Detect.parse(["v.mp4", "--out", "o"]).precision == .fp32)
    #expect(try Detect.parse(["v.mp4", "--out", "o", "--precision", "bf16"]).precision == .bf16)
    #expect(throws: (any Error).self) { try Detect.parse(["v.mp4", "--out", "o", "--precision", "fp16"]) }
  }

  @Test func evalNeedsTheDetectorForPrecision() throws {
    let arguments = ["jhmdb", "split1", "--detections", "d.csv", "--precision", "bf16"]
    #expect(throws: (any Error).self) { try EvalFrameMAP.parse(arguments) }
    let withDetector = try EvalFrameMAP.parse([
      "jhmdb", "split1", "--detector", "d.safetensors", "--frames-root", "F", "--precision", "bf16",
    ])
    #expect(withDetector.detector.precision == .bf16)
  }

  /// A bf16 run's cache record differs from an fp32 one (so their detections never mix); an fp32
  /// record is the one written before the option existed.
  @Test func runRecordNamesBF16Only() throws {
    let fp32 = try DetectorRunOptions.runRecord(
      checkpoint: "/nonexistent.safetensors", provenance: "trained", every: 1, scoreThreshold: 0.05)
    let bf16 = try DetectorRunOptions.runRecord(
      checkpoint: "/nonexistent.safetensors", provenance: "trained", every: 1, scoreThreshold: 0.05,
      precision: .bf16)
    #expect(fp32.hasSuffix("score threshold: 0.05\n"))
    #expect(bf16 == fp32 + "precision: bf16\n")
  }
}
