import Foundation
import Testing

@testable import Networks

/// Writes `bytes` to a fresh temporary file and returns its path.
func temporaryFile(_ bytes: [UInt8], name: String = "t") -> String {
  let path = NSTemporaryDirectory() + "networks-\(name)-\(UUID().uuidString).safetensors"
  _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
  return path
}

/// A safetensors file made of `header` (JSON text) and `dataBytes` zero bytes of data.
func rawFile(header: String, dataBytes: Int, claimedLength: UInt64? = nil) -> [UInt8] {
  let json = Array(header.utf8)
  var bytes = withUnsafeBytes(of: (claimedLength ?? UInt64(json.count)).littleEndian) { Array($0) }
  bytes += json
  bytes += [UInt8](repeating: 0, count: dataBytes)
  return bytes
}

/// The error message thrown when opening `bytes`, or nil when it opens.
func openingError(_ bytes: [UInt8]) -> String? {
  let path = temporaryFile(bytes)
  defer { try? FileManager.default.removeItem(atPath: path) }
  do {
    _ = try SafeTensorsFile(path: path)
    return nil
  } catch {
    return "\(error)"
  }
}

@Suite struct SafeTensorsTests {
  @Test func roundTripKeepsValuesShapesAndMetadata() throws {
    var writer = SafeTensorsWriter()
    writer.add("b.weight", shape: [2, 3], values: [1, -2, 3.5, 0, .pi, -1e-30])
    writer.add("a", shape: [], values: [42])
    writer.add("empty", shape: [0, 4], values: [])
    writer.metadata = ["classes": "brush_hair\nclap", "quote\"d": "v"]
    let path = NSTemporaryDirectory() + "networks-roundtrip-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try writer.write(to: path)
    let file = try SafeTensorsFile(path: path)
    #expect(file.keys == ["a", "b.weight", "empty"])
    #expect(file.entries["b.weight"]?.shape == [2, 3])
    #expect(try file.floats("b.weight") == [1, -2, 3.5, 0, .pi, -1e-30])
    #expect(try file.floats("a") == [42])
    #expect(try file.floats("empty") == [])
    #expect(file.metadata == ["classes": "brush_hair\nclap", "quote\"d": "v"])
    #expect(!FileManager.default.fileExists(atPath: path + ".partial-\(getpid())"))
  }

  @Test func readsHalfAndBFloat16() throws {
    let header =
      #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}"#
    var bytes = rawFile(header: header, dataBytes: 0)
    bytes += [0x00, 0x3C, 0x00, 0xC0]  // F16 1.0, -2.0
    bytes += [0x40, 0x40]  // BF16 3.0
    let path = temporaryFile(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try SafeTensorsFile(path: path)
    #expect(try file.floats("h") == [1, -2])
    #expect(try file.floats("b") == [3])
  }

  @Test func refusesIntegerTensorsAsFloats() throws {
    let bytes = rawFile(header: #"{"i":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4)
    let path = temporaryFile(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try SafeTensorsFile(path: path)
    #expect(throws: WeightError.unsupportedDType(file: path, key: "i", dtype: "I32")) { try file.floats("i") }
  }

  @Test func hostileHeadersAreClearErrors() {
    let f32 = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    #expect(openingError(rawFile(header: f32, dataBytes: 8)) == nil)
    let cases: [(bytes: [UInt8], message: String)] = [
      ([1, 2, 3], "expected at least 8"),
      (rawFile(header: f32, dataBytes: 8, claimedLength: 1 << 40), "only"),
      (rawFile(header: f32, dataBytes: 8, claimedLength: UInt64.max), "only"),
      (rawFile(header: "{not json", dataBytes: 0), "not valid JSON"),
      (rawFile(header: "[1,2]", dataBytes: 0), "expected a JSON object"),
      (rawFile(header: f32, dataBytes: 4), "past the data section"),
      (
        rawFile(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 8),
        "expected 12"
      ),
      (
        rawFile(header: #"{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, dataBytes: 8),
        "non-negative"
      ),
      (
        rawFile(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, dataBytes: 8),
        "non-negative"
      ),
      (
        rawFile(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, dataBytes: 8),
        "decreasing"
      ),
      (rawFile(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, dataBytes: 8), "expected 2"),
      (
        rawFile(header: #"{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#, dataBytes: 8),
        "non-negative integer"
      ),
      (
        rawFile(header: #"{"x":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8),
        "unknown dtype"
      ),
      (rawFile(header: #"{"x":{"shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8), "missing string 'dtype'"),
      (
        rawFile(
          header: #"{"x":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}}"#,
          dataBytes: 8), "larger than the file"
      ),
      (
        rawFile(
          header:
            #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
          dataBytes: 8), "overlap"
      ),
      (rawFile(header: #"{"__metadata__":{"a":1}}"#, dataBytes: 0), "not a string"),
      (rawFile(header: #"{"x":7}"#, dataBytes: 0), "expected an object"),
    ]
    for (bytes, message) in cases {
      let error = openingError(bytes)
      #expect(error?.contains(message) == true, "expected '\(message)', got \(error ?? "no error")")
      #expect(error?.contains("networks-t-") == true, "the message names the file: \(error ?? "")")
      #expect(error?.contains("\n") == false)
    }
  }

  @Test func directoriesAndEmptyFilesAreRefused() {
    #expect(throws: WeightError.malformed(file: "/tmp", step: "file type", detail: "expected a regular file"))
    {
      try SafeTensorsFile(path: "/tmp")
    }
    #expect(openingError([])?.contains("file has 0 bytes, expected at least 8") == true)
  }

  @Test func missingFileNamesTheCall() {
    #expect(throws: WeightError.systemCall(file: "/nonexistent/w.safetensors", call: "open", errno: ENOENT)) {
      try SafeTensorsFile(path: "/nonexistent/w.safetensors")
    }
  }
}
