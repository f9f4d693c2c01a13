/// Why `assemble-detector` stopped; one line.
public struct AssembleDetectorError: Error, CustomStringConvertible, Equatable {
  /// The message printed after `Error:`.
  public var description: String

  /// An error with a one-line message.
  public init(_ description: String) {
    self.description = description
  }
}
