import Foundation
import Testing

@testable import Commands

/// `eval-videomap --protocol` end to end on the shipped JHMDB annotations and the video-mAP fixture.
@Suite struct EvalVideoMAPCommandTests {
  static func arguments(_ extra: [String]) -> [String] {
    [
      "jhmdb", "split1", "--annotations", EvalFrameMAPCommandTests.annotations,
      "--detections",
      EvalFrameMAPCommandTests.fixtures.appendingPathComponent("videomap_jhmdb_dets.csv").path,
      "--videos", EvalFrameMAPCommandTests.fixtures.appendingPathComponent("jhmdb_subset_videos.txt").path,
    ] + extra
  }

  /// `--protocol yowo` links with YOWO's linking by default and gives what YOWO's own
  /// `evaluate_videoAP` gives on this input (82.221811 at 0.2, 59.190180 over 0.5:0.95; numbers
  /// from running it, see eval/PROTOCOLS.md), to the 1e-6 the numbers are quoted to.
  @Test func yowoProtocolUsesYOWOLinking() throws {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent("eval-videomap-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: json) }
    var text = ""
    try EvalVideoMAP.parse(Self.arguments(["--protocol", "yowo", "--json", json.path])).run { text += $0 }
    #expect(text.contains("\nprotocol: yowo — ") && text.contains("\nlinking: yowo — "))
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    #expect(object?["videoAPProtocol"] as? String == "yowo" && object?["linking"] as? String == "yowo")
    let results = try #require(object?["results"] as? [[String: Any]])
    #expect(abs((try #require(results.first?["mAP"] as? Double)) - 82.221811) < 1e-6)
    #expect(abs((try #require(object?["mAP050to095"] as? Double)) - 59.190180) < 1e-6)

    var mixed = ""
    try EvalVideoMAP.parse(Self.arguments(["--protocol", "yowo", "--linking", "act"])).run { mixed += $0 }
    #expect(mixed.contains("\nlinking: act — ") && mixed != text)
  }
}
