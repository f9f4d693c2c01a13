import ArgumentParser

/// Machine-readable and graphical outputs of an evaluation.
public struct ReportOutputOptions: ParsableArguments {
  /// JSON output path.
  @Option(help: ArgumentHelp("Also write the report as JSON.", valueName: "file.json"))
  public var json: String?

  /// Plot folder.
  @Option(
    help: ArgumentHelp(
      "Write one precision-recall PNG per class and a summary PNG into this folder.", valueName: "dir"))
  public var plots: String?

  /// Creates the options with their defaults.
  public init() {}
}
