import Commands
import Detection
import Foundation
import Networks
import Testing

/// `assemble-detector --stream flow`: the RGB context backbone's stem inflated to 2 flow channels.
@Suite struct AssembleFlowDetectorTests {
  @Test func flowStreamInflatesTheContextStemAndCopiesTheRest() throws {
    let dir = try AssembleDetectorTests.folderWithBackbones()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let summary = try AssembleDetector.parse(AssembleDetectorTests.arguments(dir, ["--stream", "flow"])).job()
      .run()
    #expect(summary.line.contains("(flow stream)"))
    let (configuration, provenance, _) = try DetectorCheckpoint.open(path: dir + "/detector.safetensors")
    #expect(configuration.contextStream == .flow)
    #expect(provenance.contains("context stem inflated from RGB to flow"))
    let file = try SafeTensorsFile(path: dir + "/detector.safetensors")
    for t in AssembleDetectorTests.backbones.context {
      let stored = try file.floats("context." + t.name)
      guard t.name == "features.0.0.0.weight" else {
        #expect(AssembleDetectorTests.sameBits(stored, t.values), "\(t.name) differs")
        continue
      }
      // [64, 3, 1, 7, 7] → [64, 2, 1, 7, 7]: each flow channel the mean of the three RGB ones.
      #expect(t.shape == [64, 3, 1, 7, 7] && file.entries["context." + t.name]?.shape == [64, 2, 1, 7, 7])
      for o in 0..<64 {
        for i in 0..<49 {
          let mean = (0..<3).map { t.values[(o * 3 + $0) * 49 + i] }.reduce(0, +) / 3
          #expect(
            abs(stored[(o * 2) * 49 + i] - mean) <= 1e-6
              && stored[(o * 2 + 1) * 49 + i] == stored[(o * 2) * 49 + i])
        }
      }
    }
    #expect(throws: Never.self) { _ = try DetectorCheckpoint.load(path: dir + "/detector.safetensors") }
    #expect(throws: (any Error).self) {
      _ = try AssembleDetector.parse(AssembleDetectorTests.arguments(dir, ["--stream", "depth"]))
    }
  }
}
