import Foundation

/// Locates and reads the committed fixtures next to this file.
enum FixtureFiles {
  /// The fixture folder `Tests/EvaluationTests/Fixtures`.
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// The repository's shared data folder (`../shared` beside the repository).
  static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("shared")

  /// The JSON object stored in fixture `name`.
  static func json(_ name: String) throws -> Any {
    let data = try Data(contentsOf: folder.appendingPathComponent(name))
    return try JSONSerialization.jsonObject(with: data)
  }
}
