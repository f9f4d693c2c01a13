import Foundation
import Primitives

/// The byte-level parser behind ``DetectionsFile/parse(_:path:)``: no per-line `String`s, numbers
/// read in place with `strtof`, repeated video and label names shared.
struct DetectionsCSVParser {
  /// The file bytes followed by one 0 byte.
  let buffer: UnsafeBufferPointer<UInt8>
  /// Number of file bytes (without the terminator).
  let count: Int
  let path: String
  var line = 0
  /// Field ranges of the current line: start, end (exclusive), quoted-with-escapes.
  var starts: [Int] = []
  var ends: [Int] = []
  var escaped: [Bool] = []
  var lastVideo: (bytes: [UInt8], text: String) = ([], "")
  var labels: [(bytes: [UInt8], text: String)] = []

  init(buffer: UnsafeBufferPointer<UInt8>, count: Int, path: String) {
    self.buffer = buffer
    self.count = count
    self.path = path
  }

  func fail(_ message: String) -> DatasetError { .badLine(path: path, line: line, message: message) }

  mutating func parseAll() throws -> [FrameDetection] {
    var detections: [FrameDetection] = []
    var pos = 0
    if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { pos = 3 }
    guard pos < count else {
      line = 1
      throw fail("empty file, expected the header \"\(DetectionsFile.header)\"")
    }
    while pos < count {
      line += 1
      var end = pos
      while end < count, buffer[end] != 0x0A { end += 1 }
      let lineEnd = end > pos && buffer[end - 1] == 0x0D ? end - 1 : end
      defer { pos = end + 1 }
      if line == 1 {
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[pos..<lineEnd]), as: UTF8.self)
        guard text == DetectionsFile.header else {
          throw fail("expected the header \"\(DetectionsFile.header)\", found \"\(text.prefix(80))\"")
        }
        continue
      }
      if lineEnd == pos {
        // Blank lines are allowed only at the end of the file.
        if (end..<count).allSatisfy({ buffer[$0] == 0x0A || buffer[$0] == 0x0D }) { break }
        throw fail("empty line")
      }
      try splitFields(from: pos, to: lineEnd)
      guard starts.count == 8 else { throw fail("expected 8 fields, found \(starts.count)") }
      let video = videoName()
      let frame = try frameNumber()
      let label = labelName()
      let score = try number(3, "score")
      let box = Box(
        x1: try number(4, "x1"), y1: try number(5, "y1"), x2: try number(6, "x2"), y2: try number(7, "y2"))
      detections.append(FrameDetection(video: video, frame: frame, label: label, score: score, box: box))
    }
    return detections
  }

  /// Fills `starts`/`ends`/`escaped` with the fields of `[from, to)`; quotes are stripped.
  mutating func splitFields(from: Int, to: Int) throws {
    starts.removeAll(keepingCapacity: true)
    ends.removeAll(keepingCapacity: true)
    escaped.removeAll(keepingCapacity: true)
    var i = from
    while true {
      if i < to, buffer[i] == 0x22 {
        var j = i + 1
        var hasEscapes = false
        while true {
          guard j < to else { throw fail("field \(starts.count + 1) has an unterminated quote") }
          if buffer[j] == 0x22 {
            if j + 1 < to, buffer[j + 1] == 0x22 {
              hasEscapes = true
              j += 2
              continue
            }
            break
          }
          j += 1
        }
        starts.append(i + 1)
        ends.append(j)
        escaped.append(hasEscapes)
        i = j + 1
        guard i == to || buffer[i] == 0x2C else {
          throw fail("field \(starts.count) has text after its closing quote")
        }
      } else {
        var j = i
        while j < to, buffer[j] != 0x2C { j += 1 }
        starts.append(i)
        ends.append(j)
        escaped.append(false)
        i = j
      }
      if i >= to { return }
      i += 1  // the comma
      if i == to {  // a trailing comma opens an empty last field
        starts.append(to)
        ends.append(to)
        escaped.append(false)
        return
      }
    }
  }

  /// The bytes of field `k`, with `""` unescaped.
  func fieldBytes(_ k: Int) -> [UInt8] {
    let raw = Array(buffer[starts[k]..<ends[k]])
    guard escaped[k] else { return raw }
    var out: [UInt8] = []
    var i = 0
    while i < raw.count {
      out.append(raw[i])
      i += raw[i] == 0x22 ? 2 : 1
    }
    return out
  }

  func fieldText(_ k: Int) -> String { String(decoding: fieldBytes(k), as: UTF8.self) }

  /// True when field `k` holds exactly `bytes` (and has no escapes).
  func field(_ k: Int, equals bytes: [UInt8]) -> Bool {
    guard !escaped[k], ends[k] - starts[k] == bytes.count else { return false }
    return bytes.withUnsafeBufferPointer { b in
      memcmp(buffer.baseAddress! + starts[k], b.baseAddress!, b.count) == 0
    }
  }

  mutating func videoName() -> String {
    if field(0, equals: lastVideo.bytes) { return lastVideo.text }
    let bytes = fieldBytes(0)
    lastVideo = (bytes, String(decoding: bytes, as: UTF8.self))
    return lastVideo.text
  }

  mutating func labelName() -> String {
    if let known = labels.first(where: { field(2, equals: $0.bytes) }) { return known.text }
    let bytes = fieldBytes(2)
    let text = String(decoding: bytes, as: UTF8.self)
    if labels.count < 256 { labels.append((bytes, text)) }
    return text
  }

  /// Field 1 as a positive decimal integer.
  func frameNumber() throws -> Int {
    var value = 0
    var i = starts[1]
    while i < ends[1], buffer[i] == 0x20 { i += 1 }
    var end = ends[1]
    while end > i, buffer[end - 1] == 0x20 { end -= 1 }
    guard i < end else { throw fail("frame \"\(fieldText(1))\" is not a positive integer") }
    while i < end {
      let d = buffer[i]
      guard d >= 0x30, d <= 0x39, value < Int.max / 10 - 9 else {
        throw fail("frame \"\(fieldText(1))\" is not a positive integer")
      }
      value = value * 10 + Int(d - 0x30)
      i += 1
    }
    guard value >= 1 else { throw fail("frame \(value) is not ≥ 1 (frames are 1-based)") }
    return value
  }

  /// A plain decimal (`-12.345`, no exponent) with a mantissa below 2^24 and at most 10
  /// fraction digits, or `nil`. Both the mantissa and 10^k are then exact `Float`s, so one
  /// `Double` division rounded to `Float` is correctly rounded (double rounding is innocuous for
  /// a quotient of two floats when the wider type has ≥ 2·24 + 2 bits), equal to `strtof`'s result.
  func shortDecimal(from start: Int, to end: Int) -> Float? {
    var i = start
    let negative = buffer[i] == 0x2D
    if negative { i += 1 }
    var mantissa = 0
    var fractionDigits = 0
    var digits = 0
    var seenPoint = false
    while i < end {
      let c = buffer[i]
      if c == 0x2E {
        if seenPoint { return nil }
        seenPoint = true
      } else if c >= 0x30, c <= 0x39 {
        mantissa = mantissa * 10 + Int(c - 0x30)
        digits += 1
        if seenPoint { fractionDigits += 1 }
        if digits > 9 { return nil }
      } else {
        return nil
      }
      i += 1
    }
    guard digits > 0, mantissa < 1 << 24, fractionDigits <= 10 else { return nil }
    let value = Float(Double(mantissa) / Self.powersOfTen[fractionDigits])
    return negative ? -value : value
  }

  static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

  /// Field `k` as a finite `Float` (correctly rounded, as by `strtof`).
  func number(_ k: Int, _ name: String) throws -> Float {
    var start = starts[k]
    var end = ends[k]
    while start < end, buffer[start] == 0x20 { start += 1 }
    while end > start, buffer[end - 1] == 0x20 { end -= 1 }
    guard start < end else { throw fail("\(name) is empty") }
    if let value = shortDecimal(from: start, to: end) { return value }
    let base = UnsafeMutablePointer(mutating: buffer.baseAddress! + start)
    var stop: UnsafeMutablePointer<CChar>?
    let value = base.withMemoryRebound(to: CChar.self, capacity: end - start) { strtof($0, &stop) }
    let parsed = stop.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? 0
    guard parsed == end - start else {
      throw fail("\(name) \"\(fieldText(k))\" is not a number")
    }
    guard value.isFinite else { throw fail("\(name) \"\(fieldText(k))\" is not a finite number") }
    return value
  }
}
