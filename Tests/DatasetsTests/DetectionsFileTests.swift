import Datasets
import Foundation
import Primitives
import Testing

/// The detections CSV: exact round trip, accepted variants, and one-line errors with line numbers.
@Suite struct DetectionsFileTests {
  static func tempPath(_ name: String) -> String { "/tmp/datasets-tests-\(getpid())-\(name)" }

  static let tricky: [Float] = [
    0, -0.0, 0.1, 1e-7, 319.99998, 239, -3.5, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3,
    Float(bitPattern: 0x3F80_0001),
  ]

  static func sample() -> [FrameDetection] {
    var out: [FrameDetection] = []
    for (i, v) in tricky.enumerated() {
      out.append(
        FrameDetection(
          video: i % 2 == 0 ? "brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0" : "odd, \"quoted\" name",
          frame: i + 1, label: i % 3 == 0 ? "brush_hair" : "Walking,With \"Dog\"", score: v,
          box: Box(x1: v, y1: -v, x2: v * 0.5, y2: 1 + v / 7)))
    }
    return out
  }

  @Test func roundTripIsExact() throws {
    let path = Self.tempPath("roundtrip.csv")
    defer { removeFile(path) }
    let detections = Self.sample()
    try DetectionsFile.write(detections, to: path)
    let back = try DetectionsFile.read(path: path)
    #expect(back == detections)
    // Bit-exact floats (== would accept -0.0 for 0.0).
    #expect(zip(back, detections).allSatisfy { $0.score.bitPattern == $1.score.bitPattern })
    let text = String(decoding: try readBytes(path), as: UTF8.self)
    #expect(
      text.hasPrefix(
        "video,frame,label,score,x1,y1,x2,y2\nbrush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0,1,"))
    #expect(text.contains("\"odd, \"\"quoted\"\" name\",2,\"Walking,With \"\"Dog\"\"\","))
    #expect(!FileManager.default.fileExists(atPath: "\(path).tmp-\(getpid())"))
  }

  /// The reader's short-decimal fast path must agree bit for bit with `Float(String)` (strtof).
  @Test func numbersMatchStrtof() throws {
    var generator = SystemRandomNumberGenerator()
    var texts: [String] = []
    for i in 0..<20_000 {
      let value: Float
      switch i % 4 {
      case 0: value = Float.random(in: 0..<320, using: &generator)
      case 1: value = Float.random(in: -1..<1, using: &generator)
      case 2: value = Float(Int.random(in: 0..<100_000_000, using: &generator)) / 1e4  // 8-digit decimals
      default: value = Float(bitPattern: UInt32.random(in: 0..<0x7F80_0000, using: &generator))
      }
      texts.append(i % 3 == 0 ? value.description : String(format: "%.\(i % 9)f", Double(value)))
    }
    let csv = DetectionsFile.header + "\n" + texts.map { "v,1,a,\($0),0,0,1,1" }.joined(separator: "\n")
    let rows = try DetectionsFile.parse(Array(csv.utf8))
    for (row, text) in zip(rows, texts) {
      let expected = try #require(Float(text))
      #expect(row.score.bitPattern == expected.bitPattern, "\(text)")
    }
  }

  @Test func acceptsCRLFNoTrailingNewlineAndBOM() throws {
    let text =
      "\u{FEFF}video,frame,label,score,x1,y1,x2,y2\r\nv,3,run,0.5,1,2,3,4\r\n\"v\",4,run, 0.25 ,1e1,2,3,4.5"
    let rows = try DetectionsFile.parse(Array(text.utf8))
    #expect(rows.count == 2)
    #expect(
      rows[1]
        == FrameDetection(
          video: "v", frame: 4, label: "run", score: 0.25, box: Box(x1: 10, y1: 2, x2: 3, y2: 4.5)))
    #expect(try DetectionsFile.parse(Array("\(DetectionsFile.header)\n".utf8)).isEmpty)
    #expect(
      try DetectionsFile.parse(Array("\(DetectionsFile.header)\nv,1,a,1,1,1,2,2\n\n\n".utf8)).count == 1)
  }

  static let badRows: [(String, String)] = [
    ("v,1,a,0.5,1,2,3", "dets.csv:3: expected 8 fields, found 7"),
    ("v,1,a,abc,1,2,3,4", "dets.csv:3: score \"abc\" is not a number"),
    ("v,1,a,0.5,1,2,3,4,5", "dets.csv:3: expected 8 fields, found 9"),
    ("v,0,a,0.5,1,2,3,4", "dets.csv:3: frame 0 is not ≥ 1 (frames are 1-based)"),
    ("v,x1,a,0.5,1,2,3,4", "dets.csv:3: frame \"x1\" is not a positive integer"),
    ("v,1,a,nan,1,2,3,4", "dets.csv:3: score \"nan\" is not a finite number"),
    ("v,1,a,0.5,1,2,3,", "dets.csv:3: y2 is empty"),
    ("v,1,a,0.5,1,2e,3,4", "dets.csv:3: y1 \"2e\" is not a number"),
    ("\"v,1,a,0.5,1,2,3,4", "dets.csv:3: field 1 has an unterminated quote"),
    ("", "dets.csv:3: empty line"),
  ]

  @Test(arguments: badRows) func malformedRowsNameTheLine(row: String, message: String) throws {
    let text = "\(DetectionsFile.header)\nv,1,a,0.5,1,2,3,4\n\(row)\nv,2,a,0.5,1,2,3,4\n"
    let error = try #require(throws: DatasetError.self) {
      try DetectionsFile.parse(Array(text.utf8), path: "dets.csv")
    }
    #expect("\(error)" == message)
  }

  @Test func badHeaderAndFiles() throws {
    let header = try #require(throws: DatasetError.self) {
      try DetectionsFile.parse(Array("video,frame\nv,1".utf8), path: "d.csv")
    }
    #expect(
      "\(header)"
        == "d.csv:1: expected the header \"video,frame,label,score,x1,y1,x2,y2\", found \"video,frame\"")
    let empty = try #require(throws: DatasetError.self) { try DetectionsFile.parse([], path: "d.csv") }
    #expect("\(empty)".hasPrefix("d.csv:1: empty file"))
    let missing = try #require(throws: DatasetError.self) {
      try DetectionsFile.read(path: "/nonexistent/d.csv")
    }
    #expect("\(missing)" == "/nonexistent/d.csv: open failed: no such file")
    let unwritable = try #require(throws: DatasetError.self) {
      try DetectionsFile.write(Self.sample(), to: "/nonexistent/dir/d.csv")
    }
    #expect("\(unwritable)".hasPrefix("/nonexistent/dir/d.csv: write"))
    let nan = FrameDetection(
      video: "v", frame: 1, label: "a", score: .nan, box: Box(x1: 0, y1: 0, x2: 1, y2: 1))
    #expect(throws: DatasetError.self) { try DetectionsFile.encode([nan]) }
  }

  /// Speed of the reader on 1 million rows. Off by default (it writes ~70 MB); run with
  /// `DATASETS_BENCH=1 swift test -c release --scratch-path .build-datasets --filter DetectionsFileTests/benchmark`.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["DATASETS_BENCH"] != nil))
  func benchmark() throws {
    let rows = 1_000_000
    var detections: [FrameDetection] = []
    detections.reserveCapacity(rows)
    for i in 0..<rows {
      let s = Float(i % 9973) / 9973
      detections.append(
        FrameDetection(
          video: "Basketball/v_Basketball_g01_c0\(i / 50_000)", frame: 1 + (i / 40) % 300,
          label: Dataset.ucf24.classNames[i % 24], score: s,
          box: Box(x1: 12.34567 + s, y1: 7.5 * s, x2: 200.1 + s, y2: 239 * s)))
    }
    let path = Self.tempPath("bench.csv")
    defer { removeFile(path) }
    let clock = ContinuousClock()
    let writeTime = try clock.measure { try DetectionsFile.write(detections, to: path) }
    var back: [FrameDetection] = []
    let readTime = try clock.measure { back = try DetectionsFile.read(path: path) }
    #expect(back == detections)
    let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    print(
      "DetectionsFile 1M rows: write \(Int(Double(rows) / seconds(writeTime))) rows/s, read \(Int(Double(rows) / seconds(readTime))) rows/s"
    )
  }
}
