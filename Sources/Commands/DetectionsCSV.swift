import Datasets
import Foundation
import Primitives

/// Reads a detections file (`video,frame,label,score,x1,y1,x2,y2` with a header).
///
/// Stand-in until the `Datasets` detections reader lands; errors name the file and line.
enum DetectionsCSV {
  /// The expected header.
  static let header = "video,frame,label,score,x1,y1,x2,y2"

  /// Every row of the file at `path`, in file order.
  static func read(_ path: String) throws -> [FrameDetection] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EvalFrameMAPError("\(path): cannot open the detections file (missing or unreadable)")
    }
    var detections: [FrameDetection] = []
    var lineNumber = 0
    var sawHeader = false
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      let bytes = raw.bindMemory(to: UInt8.self)
      var start = 0
      while start < bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        lineNumber += 1
        var stop = end
        if stop > start && bytes[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
        let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
        start = end + 1
        if line.isEmpty { continue }
        if !sawHeader {
          guard line.replacingOccurrences(of: " ", with: "") == header else {
            throw EvalFrameMAPError(
              "\(path):\(lineNumber): reading the header: expected '\(header)', found '\(line.prefix(80))'")
          }
          sawHeader = true
          continue
        }
        detections.append(try parse(line, path: path, line: lineNumber))
      }
    }
    guard sawHeader else {
      throw EvalFrameMAPError("\(path): reading the header: expected '\(header)', found an empty file")
    }
    return detections
  }

  private static func parse(_ line: String, path: String, line number: Int) throws -> FrameDetection {
    let fields = line.split(separator: ",", omittingEmptySubsequences: false)
    guard fields.count == 8 else {
      throw EvalFrameMAPError("\(path):\(number): expected 8 comma-separated fields, found \(fields.count)")
    }
    func field<T: LosslessStringConvertible>(_ i: Int, _ name: String) throws -> T {
      let text = fields[i].trimmingCharacters(in: .whitespaces)
      guard let value = T(text) else {
        throw EvalFrameMAPError(
          "\(path):\(number): field \(name): expected a number, found '\(text.prefix(40))'")
      }
      return value
    }
    let frame: Int = try field(1, "frame")
    let score: Float = try field(3, "score")
    let x1: Float = try field(4, "x1")
    let y1: Float = try field(5, "y1")
    let x2: Float = try field(6, "x2")
    let y2: Float = try field(7, "y2")
    return FrameDetection(
      video: String(fields[0]), frame: frame, label: String(fields[2]), score: score,
      box: Box(x1: x1, y1: y1, x2: x2, y2: y2))
  }
}
