/// A value read from a pickle by ``Unpickler``: only the plain data types the ground-truth files hold.
///
/// Python-2 `str` objects (opcodes `STRING`, `BINSTRING`, `SHORT_BINSTRING`) and Python-3 `bytes`
/// arrive as ``bytes(_:)``; ``asString`` decodes them as Latin-1, which is what
/// `pickle.load(f, encoding='latin1')` does. Python-3 `str` and numpy unicode scalars arrive as
/// ``string(_:)``. Numpy numeric scalars become ``int(_:)`` or ``float(_:)``.
public indirect enum PickleValue: Hashable, Sendable {
  /// Python `None`.
  case none
  /// Python `bool`.
  case bool(Bool)
  /// Python `int` (or a numpy integer scalar) that fits in `Int`.
  case int(Int)
  /// Python `float` (or a numpy floating scalar).
  case float(Double)
  /// Raw bytes: Python-3 `bytes` or a Python-2 `str`.
  case bytes([UInt8])
  /// Text: Python-3 `str` or a numpy unicode scalar.
  case string(String)
  /// Python `list`, in order.
  case list([PickleValue])
  /// Python `tuple`, in order.
  case tuple([PickleValue])
  /// Python `dict`, in insertion order, keys unique.
  case dict([Entry])
  /// A numpy `ndarray`.
  case array(NumpyArray)

  /// One key-value pair of a ``PickleValue/dict(_:)``.
  public struct Entry: Hashable, Sendable {
    /// The key.
    public var key: PickleValue
    /// The value.
    public var value: PickleValue

    /// Creates an entry.
    public init(key: PickleValue, value: PickleValue) {
      self.key = key
      self.value = value
    }
  }
}

extension PickleValue {
  /// The text of a ``string(_:)``, or a ``bytes(_:)`` decoded as Latin-1; `nil` otherwise.
  public var asString: String? {
    switch self {
    case .string(let s): return s
    case .bytes(let b): return Self.latin1String(b)
    default: return nil
    }
  }

  /// The value of an ``int(_:)`` or ``bool(_:)``; `nil` otherwise.
  public var asInt: Int? {
    switch self {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
  }

  /// The value of a ``float(_:)`` or ``int(_:)`` as `Double`; `nil` otherwise.
  public var asDouble: Double? {
    switch self {
    case .float(let d): return d
    case .int(let i): return Double(i)
    default: return nil
    }
  }

  /// The elements of a ``list(_:)`` or ``tuple(_:)``; `nil` otherwise.
  public var asSequence: [PickleValue]? {
    switch self {
    case .list(let items), .tuple(let items): return items
    default: return nil
    }
  }

  /// The entries of a ``dict(_:)``; `nil` otherwise.
  public var asEntries: [Entry]? {
    if case .dict(let entries) = self { return entries }
    return nil
  }

  /// The array of an ``array(_:)``; `nil` otherwise.
  public var asArray: NumpyArray? {
    if case .array(let a) = self { return a }
    return nil
  }

  /// The value stored under the string key `key` of a ``dict(_:)`` (comparing keys with ``asString``).
  public subscript(key: String) -> PickleValue? {
    guard case .dict(let entries) = self else { return nil }
    return entries.first { $0.key.asString == key }?.value
  }

  /// Decodes bytes as Latin-1 (every byte is the code point of the same value).
  static func latin1String(_ bytes: [UInt8]) -> String {
    if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
    return String(scalars)
  }

  /// A short name of the Python type, for error messages (`"dict"`, `"list"`, `"ndarray"` …).
  public var typeName: String {
    switch self {
    case .none: return "None"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .bytes: return "bytes"
    case .string: return "str"
    case .list: return "list"
    case .tuple: return "tuple"
    case .dict: return "dict"
    case .array: return "ndarray"
    }
  }
}
