import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes F32 tensors and a metadata map as a safetensors file (to a temporary name, then renamed).
public struct SafeTensorsWriter: Sendable {
  /// One tensor to write: name, shape and row-major values.
  public struct Tensor: Sendable {
    /// The key in the file.
    public var name: String
    /// The shape (row-major, outermost first).
    public var shape: [Int]
    /// `product(shape)` values.
    public var values: [Float]

    /// Creates a tensor entry.
    public init(name: String, shape: [Int], values: [Float]) {
      self.name = name
      self.shape = shape
      self.values = values
    }
  }

  /// The tensors, written in ascending name order.
  public var tensors: [Tensor] = []
  /// The `__metadata__` string map.
  public var metadata: [String: String] = [:]

  /// Creates an empty writer.
  public init() {}

  /// Adds one tensor.
  public mutating func add(_ name: String, shape: [Int], values: [Float]) {
    tensors.append(Tensor(name: name, shape: shape, values: values))
  }

  /// The file contents: header length, JSON header padded with spaces to 8 bytes, data.
  public func encoded() throws -> Data {
    let sorted = tensors.sorted { $0.name < $1.name }
    var seen = Set<String>()
    var fields: [String] = []
    if !metadata.isEmpty {
      let items = metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0]!))" }
      fields.append("\"__metadata__\":{\(items.joined(separator: ","))}")
    }
    var offset = 0
    for tensor in sorted {
      guard tensor.name != "__metadata__", seen.insert(tensor.name).inserted else {
        throw WeightError.invalidTensor(key: tensor.name, detail: "duplicate or reserved name")
      }
      guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.shape.reduce(1, *) == tensor.values.count else {
        throw WeightError.invalidTensor(
          key: tensor.name, detail: "shape \(tensor.shape) but \(tensor.values.count) values")
      }
      let bytes = tensor.values.count * 4
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      fields.append(
        "\(Self.quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + bytes)]}"
      )
      offset += bytes
    }
    var header = Array("{\(fields.joined(separator: ","))}".utf8)
    while (8 + header.count) % 8 != 0 { header.append(0x20) }
    var data = Data(capacity: 8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    // Hosts Swift runs on here (x86-64, arm64) are little-endian, the byte order of the format.
    for tensor in sorted {
      tensor.values.withUnsafeBytes { data.append(contentsOf: $0) }
    }
    return data
  }

  /// Writes the file to `path` via a temporary file in the same folder and an atomic rename.
  public func write(to path: String) throws {
    let data = try encoded()
    let temporary = path + ".partial-\(getpid())"
    do {
      try data.write(to: URL(fileURLWithPath: temporary))
    } catch {
      unlink(temporary)
      throw WeightError.systemCall(file: temporary, call: "write", errno: errno)
    }
    guard rename(temporary, path) == 0 else {
      let code = errno
      unlink(temporary)
      throw WeightError.systemCall(file: path, call: "rename", errno: code)
    }
  }

  /// A JSON string literal for `text`.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out +=
            "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
            + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
