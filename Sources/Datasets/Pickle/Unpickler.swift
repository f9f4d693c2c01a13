/// A restricted unpickler: builds only dicts, lists, tuples, strings, bytes, numbers and numpy
/// arrays, and refuses every other global before anything could be called.
///
/// It reads the protocol-0 text pickles written by Python 2 (`JHMDB-GT.pkl`, with `STRING`
/// literals whose escapes are decoded to bytes) and binary protocols 1–4 (`pyannot.pkl`). The only
/// globals allowed are `numpy.core.multiarray._reconstruct`, `numpy.core.multiarray.scalar`
/// (also spelled `numpy._core.multiarray`), `numpy.ndarray` and `numpy.dtype`, only in the way
/// numpy pickles arrays, plus `_codecs.encode(text, 'latin1')`, which is how Python 3 writes
/// `bytes` at protocols 0–2 (a pure text-to-bytes conversion; other encodings are refused). Any
/// other global (`os.system`, `builtins.eval`, `subprocess.Popen` …)
/// throws ``PickleError/forbiddenGlobal(module:name:offset:)`` as soon as it is read.
///
/// Every length read from the data is checked against the bytes left before anything is
/// allocated, memo indices are checked, and nesting is limited to ``maxDepth`` levels, so hostile
/// or truncated input gives a ``PickleError`` naming the byte offset, never a crash.
///
/// ```swift
/// let value = try Unpickler.load(bytes)
/// let labels = value["labels"]?.asSequence?.compactMap(\.asString)
/// ```
public enum Unpickler {
  /// Deepest container nesting accepted (the ground-truth files need 5).
  public static let maxDepth = 100
  /// Most `MARK`s open at once.
  public static let maxOpenMarks = 10_000

  /// Reads one pickle from `bytes` (up to its `STOP`; trailing bytes are ignored).
  ///
  /// - Throws: ``PickleError``.
  public static func load(_ bytes: [UInt8]) throws -> PickleValue {
    try bytes.withUnsafeBufferPointer { buffer in
      var machine = PickleMachine(buffer: buffer)
      return try machine.run()
    }
  }
}

/// The numpy globals a pickle may name.
enum AllowedGlobal {
  case reconstruct, ndarray, dtype, scalar, codecsEncode

  /// The allowed global `module.name`, or `nil`.
  init?(module: String, name: String) {
    switch (module, name) {
    case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"):
      self = .reconstruct
    case ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"):
      self = .scalar
    case ("numpy", "ndarray"):
      self = .ndarray
    case ("numpy", "dtype"):
      self = .dtype
    case ("_codecs", "encode"):
      self = .codecsEncode
    default:
      return nil
    }
  }
}

/// A stack or memo entry: an immediate value or a reference to a container in the arena.
enum PickleItem {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case bytes([UInt8])
  case string(String)
  case object(Int)
  case global(AllowedGlobal)
}

/// A numpy dtype under construction: its type code (`f4`, `u1`, `U23`) and, after `BUILD`, its
/// byte-order character.
struct DTypeNode {
  var code: String
  var byteOrder: UInt8?
}

/// A container in the arena. Containers live in one flat array and refer to each other by index,
/// so mutation through the memo has Python's sharing semantics and nothing is freed recursively.
enum PickleNode {
  case list([PickleItem])
  case tuple([PickleItem])
  case dict(keys: [PickleItem], values: [PickleItem])
  case pendingArray
  case array(NumpyArray)
  case dtype(DTypeNode)
  case moved
}

/// The unpickling state machine; lives only inside ``Unpickler/load(_:)``'s buffer scope.
struct PickleMachine {
  let buffer: UnsafeBufferPointer<UInt8>
  var pos = 0
  /// Offset of the opcode being executed.
  var opStart = 0
  /// The opcode being executed.
  var currentOp = PickleOpcode.stop
  var stack: [PickleItem] = []
  var marks: [Int] = []
  /// Memo slots by index (a pickle can store at most one per 2 bytes, which bounds the size).
  var memo: [PickleItem?] = []
  var memoCount = 0
  var nodes: [PickleNode] = []
  var nodeOffsets: [Int] = []
  /// Containers already converted to values (shared references are converted once).
  var frozen: [Int: PickleValue] = [:]
  /// Containers being converted (to detect a container that contains itself).
  var freezing: Set<Int> = []

  init(buffer: UnsafeBufferPointer<UInt8>) {
    self.buffer = buffer
    stack.reserveCapacity(256)
  }

  // MARK: Reading arguments

  var remaining: Int { buffer.count - pos }

  /// Consumes `count` bytes of a fixed-size argument.
  mutating func take(_ count: Int) throws -> UnsafeBufferPointer<UInt8> {
    guard count <= remaining else {
      throw PickleError.truncated(offset: opStart, needed: count, available: remaining)
    }
    defer { pos += count }
    return UnsafeBufferPointer(rebasing: buffer[pos..<(pos + count)])
  }

  /// Consumes `count` bytes whose count was read from the data (checked before allocating).
  mutating func takeDeclared(_ count: Int) throws -> UnsafeBufferPointer<UInt8> {
    guard count >= 0, count <= remaining else {
      throw PickleError.lengthTooLarge(declared: count, available: remaining, offset: opStart)
    }
    return try take(count)
  }

  /// Consumes a little-endian unsigned integer of `size` bytes (1, 2, 4 or 8).
  mutating func readUInt(_ size: Int) throws -> UInt64 {
    guard size <= remaining else {
      throw PickleError.truncated(offset: opStart, needed: size, available: remaining)
    }
    var value: UInt64 = 0
    var i = pos + size
    while i > pos {
      i -= 1
      value = value << 8 | UInt64(buffer[i])
    }
    pos += size
    return value
  }

  /// Consumes a length field of `size` bytes and checks it fits in `Int`.
  mutating func readLength(_ size: Int) throws -> Int {
    let value = try readUInt(size)
    guard value <= UInt64(Int.max) else {
      throw PickleError.lengthTooLarge(declared: Int.max, available: remaining, offset: opStart)
    }
    return Int(value)
  }

  /// Consumes a text argument up to (not including) its newline.
  mutating func readLine() throws -> UnsafeBufferPointer<UInt8> {
    var end = pos
    while end < buffer.count, buffer[end] != 0x0A { end += 1 }
    guard end < buffer.count else {
      throw PickleError.truncated(offset: opStart, needed: end - pos + 1, available: remaining)
    }
    defer { pos = end + 1 }
    return UnsafeBufferPointer(rebasing: buffer[pos..<end])
  }

  /// Consumes a text argument as a trimmed ASCII string.
  mutating func readTextLine() throws -> String {
    let line = try readLine()
    let text = String(decoding: line, as: UTF8.self)
    return text.trimmingSpaces
  }

  /// Consumes a decimal integer text argument.
  mutating func readDecimalLine() throws -> Int {
    let text = try readTextLine()
    guard let value = Int(text) else {
      throw PickleError.malformed(
        "\(opName) argument \"\(text.prefix(40))\" is not an integer", offset: opStart)
    }
    return value
  }

  // MARK: Stack

  mutating func push(_ item: PickleItem) { stack.append(item) }

  mutating func pop() throws -> PickleItem {
    guard stack.count > (marks.last ?? 0) else { throw underflow() }
    return stack.removeLast()
  }

  func top() throws -> PickleItem {
    guard let last = stack.last, stack.count > (marks.last ?? 0) else { throw underflow() }
    return last
  }

  /// Removes and returns the items above the innermost mark, and the mark.
  mutating func popToMark() throws -> [PickleItem] {
    guard let mark = marks.popLast() else { throw underflow() }
    let items = Array(stack[mark...])
    stack.removeSubrange(mark...)
    return items
  }

  /// The name of the opcode being executed, for error messages (`APPEND`, `BINPUT` …).
  var opName: String { currentOp.name }

  func underflow() -> PickleError { .stackUnderflow(opcode: opName, offset: opStart) }

  // MARK: Arena

  mutating func newNode(_ node: PickleNode) -> PickleItem {
    nodes.append(node)
    nodeOffsets.append(opStart)
    return .object(nodes.count - 1)
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and carriage returns.
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
    let last = lastIndex(where: { !isSpace($0) }) ?? first
    return String(self[first...last])
  }
}
