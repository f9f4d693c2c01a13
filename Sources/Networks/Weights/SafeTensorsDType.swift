/// Element types of the safetensors format, with their size in bytes.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
  /// IEEE 754 binary64.
  case f64 = "F64"
  /// IEEE 754 binary32, the type networks compute in.
  case f32 = "F32"
  /// IEEE 754 binary16.
  case f16 = "F16"
  /// bfloat16 (the upper half of a binary32).
  case bf16 = "BF16"
  /// Signed integers.
  case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
  /// Unsigned integers.
  case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
  /// One byte per boolean.
  case bool = "BOOL"

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .f64, .i64, .u64: return 8
    case .f32, .i32, .u32: return 4
    case .f16, .bf16, .i16, .u16: return 2
    case .i8, .u8, .bool: return 1
    }
  }

  /// Whether ``SafeTensorsFile/floats(_:)`` converts this type to `Float` (F32 as is; F64, F16, BF16 rounded).
  public var convertsToFloat: Bool {
    switch self {
    case .f32, .f64, .f16, .bf16: return true
    default: return false
    }
  }
}
