import Foundation

/// Text bound for the terminal that may quote a file's bytes (a CSV header, a label, a pickle's
/// global name, a tensor name): its control characters shown as `\u{1B}` escapes, so a hostile file
/// can neither send the terminal escape sequences nor forge extra lines.
///
/// Escaped: C0 controls and DEL (except a tab, and a line feed when newlines are kept), the C1
/// controls U+0080–U+009F, and the bidirectional-text controls (U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069), which reorder what the reader sees. Everything else passes unchanged.
enum TerminalText {
  /// `text` with its control characters escaped; line feeds are kept only when `keepingNewlines`
  /// (ArgumentParser's usage messages), else shown as `\n` so the text is one line.
  static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "\t" || (scalar == "\n" && keepingNewlines) || !isControl(scalar) {
        out.append(scalar)
        continue
      }
      let escape: String
      switch scalar {
      case "\n": escape = "\\n"
      case "\r": escape = "\\r"
      default: escape = "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      }
      out.append(contentsOf: escape.unicodeScalars)
    }
    return String(out)
  }

  /// Writes `message` and a line feed to standard error as one escaped line (warnings and notes).
  static func warn(_ message: String) {
    FileHandle.standardError.write(Data((escaped(message) + "\n").utf8))
  }

  /// Whether `scalar` is one of the characters ``escaped(_:keepingNewlines:)`` replaces.
  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
  }
}
