import Foundation
import Testing

@testable import Commands

/// Text quoted from hostile files reaches the terminal as one line without control characters.
@Suite struct TerminalTextTests {
  @Test func escapesControlCharactersAndKeepsTheRest() {
    #expect(TerminalText.escaped("a\u{1B}[2Jb\u{07}c") == "a\\u{1B}[2Jb\\u{7}c")
    #expect(TerminalText.escaped("x\ry\nz") == "x\\ry\\nz")
    #expect(TerminalText.escaped("\u{7F}\u{85}\u{9B}") == "\\u{7F}\\u{85}\\u{9B}")
    #expect(TerminalText.escaped("evil\u{202E}txt.exe\u{2066}") == "evil\\u{202E}txt.exe\\u{2066}")
    let plain = "brush_hair\tclap: déjà vu, 視頻 🎬, U+FFFD �"
    #expect(TerminalText.escaped(plain) == plain)
  }

  @Test func keepsLineFeedsOnlyWhenAsked() {
    #expect(TerminalText.escaped("Usage: x\n  more", keepingNewlines: true) == "Usage: x\n  more")
    #expect(TerminalText.escaped("a\n\u{1B}b", keepingNewlines: true) == "a\n\\u{1B}b")
  }

  /// `eval-framemap` on a CSV whose header holds an escape sequence and a line feed: the error the
  /// executable prints is one line, escaped, and names the file and line.
  @Test func hostileCSVGivesOneEscapedErrorLine() throws {
    let csv = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID()).csv")
    defer { try? FileManager.default.removeItem(at: csv) }
    try Data("vid\u{1B}[31mRED\u{07}eo,frame\r\n".utf8).write(to: csv)
    let command = try EvalFrameMAP.parse([
      "jhmdb", "split1", "--annotations", EvalFrameMAPCommandTests.annotations, "--detections", csv.path,
    ])
    let error = try #require(throws: (any Error).self) { try command.run() }
    let message = EvalFrameMAP.escapedErrorMessage(for: error)
    #expect(message.hasPrefix("Error: \(csv.path):1: expected the header"))
    #expect(message.contains("vid\\u{1B}[31mRED\\u{7}eo,frame"))
    #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
  }

  /// A usage error keeps ArgumentParser's usage lines.
  @Test func usageErrorKeepsItsLines() {
    let error = #expect(throws: (any Error).self) { try Train.parse(["jhmdb", "split1"]) }
    let message = error.map { Train.escapedErrorMessage(for: $0) } ?? ""
    #expect(message.hasPrefix("Error: give one of --init FILE or --scratch SPEC"))
    #expect(message.contains("\nUsage: train"))
  }
}

/// `detect --out` where no folder can be made: one line naming the folder and the reason (it was a
/// Foundation error dump before).
@Suite struct DetectOutputFolderTests {
  @Test func uncreatableFolderGivesOneLine() throws {
    let file = NSTemporaryDirectory() + "not-a-folder-\(UUID().uuidString)"
    #expect(FileManager.default.createFile(atPath: file, contents: Data()))
    defer { try? FileManager.default.removeItem(atPath: file) }
    let error = try #require(throws: OutputDirectory.CreationError.self) {
      _ = try DetectOutputWriter(
        directory: file + "/frames", videoName: "v", classes: ["a"], every: 1, untrained: false)
    }
    #expect("\(error)" == "\(file)/frames: cannot create the output folder (\(file) is a file)")
  }
}
