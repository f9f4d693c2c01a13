import Foundation

/// A safetensors file opened by memory mapping, with its header fully validated.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of JSON mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the byte after the header)
/// plus an optional `"__metadata__"` string map, then the data. Opening checks the header length
/// against the file size, that the JSON is an object of well-formed entries, that every byte range
/// lies inside the file, that no two ranges overlap, and that each range holds exactly
/// `product(shape) × dtype size` bytes. Tensor data is only read when asked for.
public struct SafeTensorsFile: Sendable {
  /// Where one tensor lives in the file.
  public struct Entry: Sendable, Equatable {
    /// The element type.
    public var dtype: SafeTensorsDType
    /// The shape (row-major, outermost first).
    public var shape: [Int]
    /// Absolute byte range in the file.
    public var byteRange: Range<Int>
    /// Number of elements (`product(shape)`, 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
  }

  /// Largest header accepted (the reference implementation's limit).
  public static let maximumHeaderLength = 100_000_000

  /// The path the file was opened from.
  public var path: String { file.path }
  /// Tensor entries by name.
  public let entries: [String: Entry]
  /// The `__metadata__` string map (empty when absent).
  public let metadata: [String: String]
  private let file: MappedFile

  /// Tensor names in ascending order.
  public var keys: [String] { entries.keys.sorted() }

  /// Opens and validates `path`; throws ``WeightError`` naming the file and the failing check.
  public init(path: String) throws {
    let file = try MappedFile(path: path)
    guard file.count >= 8 else {
      throw WeightError.malformed(
        file: path, step: "header length", detail: "file has \(file.count) bytes, expected at least 8")
    }
    let headerLength = file.withBytes(0..<8) { raw -> UInt64 in
      UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
    }
    guard headerLength <= UInt64(file.count - 8) else {
      throw WeightError.malformed(
        file: path, step: "header length",
        detail: "header claims \(headerLength) bytes but only \(file.count - 8) follow")
    }
    guard headerLength <= UInt64(Self.maximumHeaderLength) else {
      throw WeightError.malformed(
        file: path, step: "header length",
        detail: "header claims \(headerLength) bytes, limit \(Self.maximumHeaderLength)")
    }
    let dataStart = 8 + Int(headerLength)
    let json = file.withBytes(8..<dataStart) { Data($0) }
    let parsed = try Self.parseHeader(json, path: path, dataStart: dataStart, fileSize: file.count)
    self.file = file
    self.entries = parsed.entries
    self.metadata = parsed.metadata
  }

  /// The tensor `key` converted to `Float` (row-major); F64, F16 and BF16 are converted, others refused.
  public func floats(_ key: String) throws -> [Float] {
    guard let entry = entries[key] else { throw WeightError.missingKey(key: key) }
    return try floats(of: entry, key: key)
  }

  /// Converts the data of `entry` (named `key` for error messages) to `Float`.
  func floats(of entry: Entry, key: String) throws -> [Float] {
    let count = entry.elementCount
    let dtype = entry.dtype
    guard dtype.convertsToFloat else {
      throw WeightError.unsupportedDType(file: path, key: key, dtype: dtype.rawValue)
    }
    return file.withBytes(entry.byteRange) { raw in
      [Float](unsafeUninitializedCapacity: count) { out, initialized in
        switch dtype {
        case .f32:
          if count > 0, let base = out.baseAddress {
            UnsafeMutableRawPointer(base).copyMemory(from: raw.baseAddress!, byteCount: count * 4)
          }
          #if _endian(big)
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
          #endif
        case .f64:
          for i in 0..<count {
            out[i] = Float(
              Double(
                bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
          }
        case .f16:
          for i in 0..<count {
            let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            out[i] = Float(Float16(bitPattern: bits))
          }
        case .bf16:
          for i in 0..<count {
            let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            out[i] = Float(bitPattern: UInt32(bits) << 16)
          }
        default:
          return
        }
        initialized = count
      }
    }
  }
}
