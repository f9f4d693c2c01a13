import Foundation
import Testing

@testable import Commands

/// `eval-framemap` / `eval-videomap --detector default` and `--flow-detector default`: the keyword
/// names the shipped checkpoints (as `detect --flow default` does; a file named `default` in the
/// working directory would be read as given), and a missing shipped file is one line naming the
/// option.
@Suite struct DefaultCheckpointOptionTests {
  @Test func keywordNamesTheShippedCheckpoints() throws {
    let rgb = try DetectorRunOptions.resolve(
      "default", shipped: DefaultDetector.fileName, option: "--detector")
    #expect(rgb == DefaultDetector.path())
    #expect(FileManager.default.fileExists(atPath: rgb))
    let flow = try DetectorRunOptions.resolve(
      "default", shipped: DefaultDetector.flowFileName, option: "--flow-detector")
    #expect(flow == DefaultDetector.flowPath())
    #expect(
      try DetectorRunOptions.resolve("d.safetensors", shipped: "x", option: "--detector") == "d.safetensors")
  }

  @Test func aMissingShippedCheckpointIsOneLine() {
    #expect(throws: EvalFrameMAPError.self) {
      try DetectorRunOptions.resolve(
        "default", shipped: DefaultDetector.flowFileName, option: "--flow-detector", locate: { _ in nil })
    }
    do {
      _ = try DetectorRunOptions.resolve(
        "default", shipped: DefaultDetector.flowFileName, option: "--flow-detector", locate: { _ in nil })
    } catch {
      let text = "\(error)"
      #expect(text.contains("--flow-detector default") && text.contains("pass --flow-detector FILE"))
      #expect(!text.contains("\n"))
    }
  }
}
