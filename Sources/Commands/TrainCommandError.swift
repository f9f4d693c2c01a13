/// Why `train` stopped before training; each description is one line.
public struct TrainCommandError: Error, CustomStringConvertible, Equatable {
  /// The message printed after `Error:`.
  public var description: String

  /// An error with a one-line message.
  public init(_ description: String) {
    self.description = description
  }
}
