import Commands
import Flow
import Foundation
import Testing

/// The `flow` command on a 3-frame folder, and on bad input.
@Suite struct FlowCommandTests {
  static let frames = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "shared/data/videos/jpeg_frames"
    )
    .path

  @Test func writesEveryPair() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("flow-cmd-\(UUID().uuidString)")
      .path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let input = root + "/frames"
    try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
    for n in 1...3 {
      let name = String(format: "img_%05d.jpg", n)
      try FileManager.default.copyItem(atPath: Self.frames + "/" + name, toPath: input + "/" + name)
    }
    let command = try FlowCommand.parse([input, "--out", root + "/flow", "--threads", "1", "--no-progress"])
    try command.run()
    let written = try FileManager.default.contentsOfDirectory(atPath: root + "/flow").sorted()
    #expect(written == ["x_00001.jpg", "x_00002.jpg", "y_00001.jpg", "y_00002.jpg"])
    let stored = try FlowImageReader(folder: root + "/flow").pixels(pair: 2)
    #expect(stored.width > 0)
  }

  @Test func missingVideoFailsWithOneLine() throws {
    let command = try FlowCommand.parse(["/nonexistent.mp4", "--out", "/tmp/never-made-flow"])
    #expect(throws: (any Error).self) { try command.run() }
    do {
      try command.run()
    } catch {
      #expect("\(error)" == "/nonexistent.mp4: file not found")
    }
    #expect(!FileManager.default.fileExists(atPath: "/tmp/never-made-flow"))
  }

  @Test func badOptionsAreRejected() {
    #expect(throws: (any Error).self) { try FlowCommand.parse(["in.mp4", "--out", "o", "--threads", "0"]) }
    #expect(throws: (any Error).self) { try FlowCommand.parse(["in.mp4", "--out", "o", "--quality", "40"]) }
    #expect(throws: (any Error).self) { try FlowCommand.parse(["in.mp4"]) }
  }
}
