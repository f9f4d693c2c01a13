/// Paths of the repository, the shipped annotations and the shared data, from this file's location.
enum TestPaths {
  /// The repository root.
  static let repository: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/DatasetsTests/TestPaths.swift
    return parts.joined(separator: "/")
  }()
  /// `annotations/` of the repository.
  static let annotations = "\(repository)/annotations"
  /// `Tests/DatasetsTests/Fixtures`.
  static let fixtures = "\(repository)/Tests/DatasetsTests/Fixtures"
  /// `../shared/data/gt` beside the repository.
  static let sharedGT = "\(repository)/../shared/data/gt"
}
