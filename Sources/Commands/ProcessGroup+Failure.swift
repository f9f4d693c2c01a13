import Distributed

extension ProcessGroup {
  /// Ends every rank of the job with the one line `<command> failed: <error>`, its control characters
  /// escaped (``TerminalText``): the error may quote a file's bytes.
  func abort(_ command: String, failedWith error: any Error) -> Never {
    abort(TerminalText.escaped("\(command) failed: \(error)"))
  }
}
