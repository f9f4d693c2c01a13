import ArgumentParser

/// Placeholder.
public struct FlowCommand: ParsableCommand {
  /// Creates the command.
  public init() {}
}
