/// The element types a pickled numpy array may have here (little-endian or single-byte only).
public enum NumpyDType: String, Hashable, Sendable, CaseIterable {
  /// `f4`: 32-bit float.
  case float32 = "f4"
  /// `f8`: 64-bit float.
  case float64 = "f8"
  /// `u1`: 8-bit unsigned integer.
  case uint8 = "u1"
  /// `u2`: 16-bit unsigned integer.
  case uint16 = "u2"
  /// `u4`: 32-bit unsigned integer.
  case uint32 = "u4"
  /// `i1`: 8-bit signed integer.
  case int8 = "i1"
  /// `i2`: 16-bit signed integer.
  case int16 = "i2"
  /// `i4`: 32-bit signed integer.
  case int32 = "i4"
  /// `i8`: 64-bit signed integer.
  case int64 = "i8"

  /// Bytes per element.
  public var itemSize: Int {
    switch self {
    case .uint8, .int8: return 1
    case .uint16, .int16: return 2
    case .float32, .uint32, .int32: return 4
    case .float64, .int64: return 8
    }
  }

  /// True for `f4` and `f8`.
  public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}

/// A numpy `ndarray` rebuilt from a pickle: dtype, shape and the raw little-endian C-order bytes.
///
/// Fortran-order arrays (`pyannot.pkl` stores every box array that way) are reordered to C order
/// when unpickled.
///
/// The unpickler guarantees `shape.reduce(1, *) * dtype.itemSize == data.count`.
public struct NumpyArray: Hashable, Sendable {
  /// Element type.
  public var dtype: NumpyDType
  /// Dimensions, outermost first (C order).
  public var shape: [Int]
  /// Raw element bytes, little-endian, C order.
  public var data: [UInt8]

  /// Creates an array; the caller guarantees the byte count matches shape and dtype.
  public init(dtype: NumpyDType, shape: [Int], data: [UInt8]) {
    self.dtype = dtype
    self.shape = shape
    self.data = data
  }

  /// Number of elements (product of `shape`).
  public var count: Int { data.count / dtype.itemSize }

  /// Every element widened to `Double`, in C order (exact for every supported dtype except
  /// 64-bit integers beyond 2^53).
  public func doubles() -> [Double] {
    let n = count
    return data.withUnsafeBytes { raw in
      switch dtype {
      case .float32: return (0..<n).map { Double(Float(bitPattern: raw.le(UInt32.self, $0))) }
      case .float64: return (0..<n).map { Double(bitPattern: raw.le(UInt64.self, $0)) }
      case .uint8: return raw.map { Double($0) }
      case .int8: return raw.map { Double(Int8(bitPattern: $0)) }
      case .uint16: return (0..<n).map { Double(raw.le(UInt16.self, $0)) }
      case .int16: return (0..<n).map { Double(Int16(bitPattern: raw.le(UInt16.self, $0))) }
      case .uint32: return (0..<n).map { Double(raw.le(UInt32.self, $0)) }
      case .int32: return (0..<n).map { Double(Int32(bitPattern: raw.le(UInt32.self, $0))) }
      case .int64: return (0..<n).map { Double(Int64(bitPattern: raw.le(UInt64.self, $0))) }
      }
    }
  }

  /// Every element of an integer array widened to `Int`, in C order; `nil` for float arrays.
  ///
  /// Widening happens before any arithmetic, so `x + w` of a `u1` box cannot wrap at 255.
  public func ints() -> [Int]? {
    let n = count
    return data.withUnsafeBytes { raw -> [Int]? in
      switch dtype {
      case .float32, .float64: return nil
      case .uint8: return raw.map { Int($0) }
      case .int8: return raw.map { Int(Int8(bitPattern: $0)) }
      case .uint16: return (0..<n).map { Int(raw.le(UInt16.self, $0)) }
      case .int16: return (0..<n).map { Int(Int16(bitPattern: raw.le(UInt16.self, $0))) }
      case .uint32: return (0..<n).map { Int(raw.le(UInt32.self, $0)) }
      case .int32: return (0..<n).map { Int(Int32(bitPattern: raw.le(UInt32.self, $0))) }
      case .int64: return (0..<n).map { Int(Int64(bitPattern: raw.le(UInt64.self, $0))) }
      }
    }
  }
}

extension UnsafeRawBufferPointer {
  /// The `index`-th little-endian `T` of the buffer (unaligned load).
  @inline(__always)
  func le<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
    T(littleEndian: loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
  }
}
