extension PickleMachine {
  /// `STRING`: a Python-2 `str` literal in quotes with backslash escapes, decoded to raw bytes.
  ///
  /// Escapes: `\\ \' \" \a \b \f \n \r \t \v`, `\xHH`, octal `\O`–`\OOO`, and backslash-newline;
  /// an unknown escape keeps its backslash, as Python does.
  mutating func readQuotedString() throws -> [UInt8] {
    let line = try readLine()
    var end = line.count
    while end > 0, line[end - 1] == 0x0D || line[end - 1] == 0x20 { end -= 1 }
    guard end >= 2, line[0] == 0x27 || line[0] == 0x22, line[end - 1] == line[0] else {
      throw PickleError.malformed("STRING argument is not a quoted literal", offset: opStart)
    }
    var out: [UInt8] = []
    out.reserveCapacity(end)
    var i = 1
    let stop = end - 1
    while i < stop {
      let c = line[i]
      if c != 0x5C {
        out.append(c)
        i += 1
        continue
      }
      guard i + 1 < stop else {
        throw PickleError.malformed("STRING literal ends with a lone backslash", offset: opStart)
      }
      let e = line[i + 1]
      i += 2
      switch e {
      case 0x5C, 0x27, 0x22: out.append(e)
      case 0x6E: out.append(0x0A)  // n
      case 0x74: out.append(0x09)  // t
      case 0x72: out.append(0x0D)  // r
      case 0x61: out.append(0x07)  // a
      case 0x62: out.append(0x08)  // b
      case 0x66: out.append(0x0C)  // f
      case 0x76: out.append(0x0B)  // v
      case 0x78:  // xHH
        guard i + 1 < stop, let hi = hexValue(line[i]), let lo = hexValue(line[i + 1]) else {
          throw PickleError.malformed("STRING literal has a bad \\x escape", offset: opStart)
        }
        out.append(hi << 4 | lo)
        i += 2
      case 0x30...0x37:  // octal, up to three digits
        var value = Int(e - 0x30)
        var digits = 1
        while digits < 3, i < stop, (0x30...0x37).contains(line[i]) {
          value = value * 8 + Int(line[i] - 0x30)
          i += 1
          digits += 1
        }
        out.append(UInt8(truncatingIfNeeded: value))
      default:
        out.append(0x5C)
        out.append(e)
      }
    }
    return out
  }

  /// `UNICODE`: raw-unicode-escape text (Latin-1 bytes plus `\uXXXX` and `\UXXXXXXXX`).
  mutating func readRawUnicodeEscape() throws -> String {
    let line = try readLine()
    var scalars = String.UnicodeScalarView()
    var i = 0
    while i < line.count {
      let c = line[i]
      if c == 0x5C, i + 1 < line.count, line[i + 1] == 0x75 || line[i + 1] == 0x55 {
        let digits = line[i + 1] == 0x75 ? 4 : 8
        guard i + 2 + digits <= line.count else {
          throw PickleError.malformed("UNICODE literal has a short \\u escape", offset: opStart)
        }
        var value: UInt32 = 0
        for k in 0..<digits {
          guard let h = hexValue(line[i + 2 + k]) else {
            throw PickleError.malformed("UNICODE literal has a bad \\u escape", offset: opStart)
          }
          value = value << 4 | UInt32(h)
        }
        guard let scalar = Unicode.Scalar(value) else {
          throw PickleError.malformed("UNICODE literal has code point \(value) out of range", offset: opStart)
        }
        scalars.append(scalar)
        i += 2 + digits
      } else {
        scalars.append(Unicode.Scalar(c))
        i += 1
      }
    }
    return String(scalars)
  }
}

/// The value of an ASCII hexadecimal digit, or `nil`.
@inline(__always)
func hexValue(_ c: UInt8) -> UInt8? {
  switch c {
  case 0x30...0x39: return c - 0x30
  case 0x61...0x66: return c - 0x61 + 10
  case 0x41...0x46: return c - 0x41 + 10
  default: return nil
  }
}
