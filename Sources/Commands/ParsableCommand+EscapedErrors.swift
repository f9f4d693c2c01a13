import ArgumentParser
import Foundation

extension ParsableCommand {
  /// Parses the command line and runs the command, as ArgumentParser's `main()` does, but prints a
  /// failure's message as ``escapedErrorMessage(for:)`` renders it. Help and `--version` print as
  /// ArgumentParser prints them.
  ///
  /// Each executable's `main.swift` calls it: `Detect.mainEscapingErrors()`.
  public static func mainEscapingErrors() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      let message = escapedErrorMessage(for: error)
      if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
      Foundation.exit(code.rawValue)
    }
  }

  /// What ``mainEscapingErrors()`` prints for a failure (without the final line feed): a run-time
  /// error (exit status 1) as one line with the control characters it quotes from files escaped
  /// (``TerminalText``); a usage error with its usage lines kept.
  static func escapedErrorMessage(for error: any Error) -> String {
    var message = fullMessage(for: error)
    while message.hasSuffix("\n") { message.removeLast() }
    return TerminalText.escaped(message, keepingNewlines: exitCode(for: error) != .failure)
  }
}
