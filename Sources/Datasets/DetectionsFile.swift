import Foundation
import Primitives

/// The detections CSV every command shares: a header line `video,frame,label,score,x1,y1,x2,y2`,
/// then one ``FrameDetection`` per line (frame 1-based, label the class name, box in source pixels).
///
/// Numbers are written in Swift's shortest round-trip form, so ``read(path:)`` gives back exactly
/// the `Float`s that ``write(_:to:)`` wrote. Fields holding a comma or a quote are quoted, CSV
/// style (`"a,b"`, `""` for a quote); line breaks inside fields are not allowed. The reader accepts
/// `\n` or `\r\n` line ends, a trailing newline and a UTF-8 byte-order mark, and reports the
/// 1-based line of the first malformed row:
///
/// ```
/// dets.csv:17: expected 8 fields, found 7
/// dets.csv:3: score "abc" is not a number
/// ```
public enum DetectionsFile {
  /// The header line, without its newline.
  public static let header = "video,frame,label,score,x1,y1,x2,y2"

  /// Writes `detections` to `path` (to a temporary name beside it, then renamed over it).
  ///
  /// - Throws: ``DatasetError`` if a value cannot be represented (non-finite number, frame < 1,
  ///   a line break in a name) or the file cannot be written.
  public static func write(_ detections: [FrameDetection], to path: String) throws {
    try FileIO.writeAtomically(try encode(detections, path: path), to: path)
  }

  /// The CSV bytes of `detections` (header included); `path` only names the file in errors.
  public static func encode(_ detections: [FrameDetection], path: String = "detections") throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(64 * detections.count + 64)
    out.append(contentsOf: header.utf8)
    out.append(0x0A)
    for (i, d) in detections.enumerated() {
      let values = [d.score, d.box.x1, d.box.y1, d.box.x2, d.box.y2]
      guard d.frame >= 1, values.allSatisfy(\.isFinite) else {
        throw DatasetError.badField(
          path: path, field: "detection \(i)", expected: "frame ≥ 1 and finite score and box",
          found: "frame \(d.frame), score \(d.score), box \(d.box)")
      }
      try appendField(d.video, to: &out, path: path, index: i)
      out.append(0x2C)
      out.append(contentsOf: String(d.frame).utf8)
      out.append(0x2C)
      try appendField(d.label, to: &out, path: path, index: i)
      for v in values {
        out.append(0x2C)
        out.append(contentsOf: v.description.utf8)
      }
      out.append(0x0A)
    }
    return out
  }

  /// Appends a CSV text field to `out`, quoted when it holds a comma, a quote or edge spaces (as
  /// every file of this format writes its names).
  ///
  /// - Throws: ``DatasetError`` naming `path` and row `index` when `text` holds a line break.
  public static func appendField(_ text: String, to out: inout [UInt8], path: String, index: Int) throws {
    var needsQuotes = false
    for byte in text.utf8 {
      if byte == 0x0A || byte == 0x0D {
        throw DatasetError.badField(
          path: path, field: "detection \(index)", expected: "names without line breaks", found: "\"\(text)\""
        )
      }
      if byte == 0x2C || byte == 0x22 { needsQuotes = true }
    }
    if text.utf8.first == 0x20 || text.utf8.last == 0x20 { needsQuotes = true }
    guard needsQuotes else { return out.append(contentsOf: text.utf8) }
    out.append(0x22)
    for byte in text.utf8 {
      if byte == 0x22 { out.append(0x22) }
      out.append(byte)
    }
    out.append(0x22)
  }

  /// Reads the detections of the CSV file at `path`.
  ///
  /// - Throws: ``DatasetError``: `path:LINE: message` for a malformed row or header.
  public static func read(path: String) throws -> [FrameDetection] {
    let terminated = try FileIO.read(path, appendingZero: true)
    return try terminated.withUnsafeBufferPointer { buffer in
      var parser = DetectionsCSVParser(buffer: buffer, count: buffer.count - 1, path: path)
      return try parser.parseAll()
    }
  }

  /// Parses CSV bytes; `path` names the file in errors.
  public static func parse(_ bytes: [UInt8], path: String = "detections") throws -> [FrameDetection] {
    var terminated = bytes
    terminated.append(0)  // lets strtof stop at a terminator even in the last field
    return try terminated.withUnsafeBufferPointer { buffer in
      var parser = DetectionsCSVParser(buffer: buffer, count: bytes.count, path: path)
      return try parser.parseAll()
    }
  }
}
