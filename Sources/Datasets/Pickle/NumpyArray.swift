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
    var out = [Double](repeating: 0, count: count)
    data.withUnsafeBytes { raw in
      var i = 0
      while i < out.count {
        out[i] = element(raw, i)
        i += 1
      }
    }
    return out
  }

  /// Every element of an integer array widened to `Int`, in C order; `nil` for float arrays.
  ///
  /// Widening happens before any arithmetic, so `x + w` of a `u1` box cannot wrap at 255.
  public func ints() -> [Int]? {
    guard !dtype.isFloatingPoint else { return nil }
    var out = [Int](repeating: 0, count: count)
    data.withUnsafeBytes { raw in
      if dtype == .int64 {  // the only type a Double cannot hold exactly
        for i in out.indices {
          out[i] = Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        }
      } else {
        var i = 0
        while i < out.count {
          out[i] = Int(element(raw, i))
          i += 1
        }
      }
    }
    return out
  }

  /// Element `i` of the raw bytes as `Double` (integers are exact up to 2^53).
  @inline(__always)
  private func element(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Double {
    switch dtype {
    case .uint8: return Double(raw[i])
    case .int8: return Double(Int8(bitPattern: raw[i]))
    case .uint16:
      return Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
    case .int16: return Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
    case .uint32:
      return Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
    case .int32: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
    case .int64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
    case .float32:
      let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
      return Double(Float(bitPattern: bits))
    case .float64:
      return Double(
        bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
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
