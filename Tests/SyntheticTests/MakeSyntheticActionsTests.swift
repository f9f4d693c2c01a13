import Commands
import Foundation
import Testing

@Suite struct MakeSyntheticActionsTests {
  /// The one-line message ArgumentParser prints for these arguments, or `nil` if they are valid.
  func error(_ arguments: [String]) -> String? {
    do {
      _ = try MakeSyntheticActions.parse(arguments)
      return nil
    } catch {
      return MakeSyntheticActions.message(for: error)
    }
  }

  @Test func badArgumentsGiveOneReadableLine() throws {
    let file = SyntheticTestSupport.temporaryPath("not-a-folder")
    _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
    defer { try? FileManager.default.removeItem(atPath: file) }
    let cases: [([String], String)] = [
      (["--out", "o", "--videos", "0", "--seed", "1"], "--videos must be 1...100000, got 0"),
      (
        ["--out", "o", "--videos", "5", "--seed", "1", "--split-ratio", "1.5"],
        "--split-ratio must be 0...1, got 1.5"
      ),
      (["--out", "o", "--videos", "5", "--seed", "1", "--test-videos", "6"], "--test-videos must be 0...5"),
      (["--out", file, "--videos", "5", "--seed", "1"], "is a file, expected a folder"),
      (["--out", "o", "--videos", "5"], "--seed"),
      (["--out", "o", "--videos", "5", "--seed=-3"], "-3"),
    ]
    for (arguments, expected) in cases {
      let message = try #require(error(arguments), "\(arguments) should be refused")
      #expect(message.contains(expected), "\(message)")
      #expect(!message.contains("\n"), "one line: \(message)")
    }
    #expect(error(["--out", "o", "--videos", "5", "--seed", "1"]) == nil)
  }

  @Test func splitRatioPicksTheLastVideosForTesting() throws {
    let command = try MakeSyntheticActions.parse(["--out", "o", "--videos", "20", "--seed", "4"])
    #expect(command.generatorConfiguration.testCount == 6)
    let exact = try MakeSyntheticActions.parse([
      "--out", "o", "--videos", "20", "--seed", "4", "--test-videos", "3",
    ])
    #expect(exact.generatorConfiguration.testCount == 3)
  }
}
