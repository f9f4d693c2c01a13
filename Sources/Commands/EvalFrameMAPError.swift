/// Why `eval-framemap` stopped; each description is one line.
public struct EvalFrameMAPError: Error, CustomStringConvertible, Equatable {
  /// The message printed after `Error:`.
  public var description: String

  /// An error with a one-line message.
  public init(_ description: String) {
    self.description = description
  }
}
