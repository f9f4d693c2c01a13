/// Writes a ``PickleValue`` as a protocol-2 pickle that Python 2 and 3 (with numpy) and
/// ``Unpickler`` all read back to the same value.
///
/// The output is a pure function of the value (no memo, no hash order: dicts are written in their
/// entry order), so the same value always gives the same bytes. Encodings, as Python 3's `pickle`
/// at protocol 2 writes them:
///
/// - `str` → `BINUNICODE` (UTF-8); `bytes` → `_codecs.encode(text, 'latin1')` (protocol 2 has no
///   bytes opcode); `int` → `BININT1`/`BININT2`/`BININT`/`LONG1`; `float` → `BINFLOAT`;
///   `bool` → `NEWTRUE`/`NEWFALSE`; lists and dicts → `EMPTY_LIST`/`EMPTY_DICT` + `APPENDS`/`SETITEMS`
///   in batches of 1,000; tuples → `EMPTY_TUPLE`, `TUPLE1…3` or `MARK … TUPLE`.
/// - numpy arrays exactly as `ndarray.__reduce__` describes them:
///   `numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')` then `BUILD` with
///   `(1, shape, dtype, False, rawdata)`, the dtype being `numpy.dtype('f4', False, True)` with
///   state `(3, '<', None, None, None, -1, -1, 0)` (`'|'` for one-byte types).
///
/// ```swift
/// let bytes = Pickler.dump(.dict([.init(key: .string("labels"), value: .list([.string("walk")]))]))
/// ```
public enum Pickler {
  /// The protocol-2 pickle of `value`, ending in `STOP`.
  public static func dump(_ value: PickleValue) -> [UInt8] {
    var writer = PickleWriter()
    writer.bytes = [PickleOpcode.proto.rawValue, 2]
    writer.write(value)
    writer.op(.stop)
    return writer.bytes
  }
}

/// The byte buffer and the opcode emitters behind ``Pickler/dump(_:)``.
struct PickleWriter {
  var bytes: [UInt8] = []
  /// Items per `APPENDS` / `SETITEMS` batch (what CPython uses).
  static let batchSize = 1000

  mutating func op(_ opcode: PickleOpcode) { bytes.append(opcode.rawValue) }

  mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func write(_ value: PickleValue) {
    switch value {
    case .none: op(.none)
    case .bool(let b): op(b ? .newTrue : .newFalse)
    case .int(let i): writeInt(i)
    case .float(let d):
      op(.binFloat)
      withUnsafeBytes(of: d.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
    case .string(let s): writeString(s)
    case .bytes(let b): writeBytes(b)
    case .list(let items):
      op(.emptyList)
      writeBatches(items.count) { writer, i in
        writer.write(items[i])
      } single: {
        $0.op(.append)
      } many: {
        $0.op(.appends)
      }
    case .tuple(let items): writeTuple(items.count) { writer, i in writer.write(items[i]) }
    case .dict(let entries):
      op(.emptyDict)
      writeBatches(entries.count) { writer, i in
        writer.write(entries[i].key)
        writer.write(entries[i].value)
      } single: {
        $0.op(.setItem)
      } many: {
        $0.op(.setItems)
      }
    case .array(let array): writeArray(array)
    }
  }

  mutating func writeInt(_ i: Int) {
    if (0...0xFF).contains(i) {
      op(.binInt1)
      bytes.append(UInt8(i))
    } else if (0...0xFFFF).contains(i) {
      op(.binInt2)
      littleEndian(UInt16(i))
    } else if let small = Int32(exactly: i) {
      op(.binInt)
      littleEndian(small)
    } else {
      // LONG1: the shortest little-endian two's-complement encoding.
      var digits: [UInt8] = []
      var rest = i
      repeat {
        digits.append(UInt8(truncatingIfNeeded: rest))
        rest >>= 8
      } while !((rest == 0 && digits.last! < 0x80) || (rest == -1 && digits.last! >= 0x80))
      op(.long1)
      bytes.append(UInt8(digits.count))
      bytes.append(contentsOf: digits)
    }
  }

  mutating func writeString(_ s: String) {
    let utf8 = Array(s.utf8)
    op(.binUnicode)
    littleEndian(UInt32(utf8.count))
    bytes.append(contentsOf: utf8)
  }

  /// `_codecs.encode(latin1_text, 'latin1')`: how protocol 2 carries `bytes`.
  mutating func writeBytes(_ b: [UInt8]) {
    writeGlobal(module: "_codecs", name: "encode")
    var text = String.UnicodeScalarView()
    text.append(contentsOf: b.map { Unicode.Scalar($0) })
    writeString(String(text))
    writeString("latin1")
    op(.tuple2)
    op(.reduce)
  }

  mutating func writeGlobal(module: String, name: String) {
    op(.global)
    bytes.append(contentsOf: Array("\(module)\n\(name)\n".utf8))
  }

  /// A tuple of `count` items written by `item`.
  mutating func writeTuple(_ count: Int, _ item: (inout PickleWriter, Int) -> Void) {
    switch count {
    case 0: op(.emptyTuple)
    case 1...3:
      for i in 0..<count { item(&self, i) }
      op([.tuple1, .tuple2, .tuple3][count - 1])
    default:
      op(.mark)
      for i in 0..<count { item(&self, i) }
      op(.tuple)
    }
  }

  /// Items in batches: a batch of one ends with `single`, a longer one is `MARK … many`.
  mutating func writeBatches(
    _ count: Int, _ item: (inout PickleWriter, Int) -> Void, single: (inout PickleWriter) -> Void,
    many: (inout PickleWriter) -> Void
  ) {
    var start = 0
    while start < count {
      let end = min(count, start + Self.batchSize)
      if end - start == 1 {
        item(&self, start)
        single(&self)
      } else {
        op(.mark)
        for i in start..<end { item(&self, i) }
        many(&self)
      }
      start = end
    }
  }

  /// A C-order numpy array, as `ndarray.__reduce__` pickles it.
  mutating func writeArray(_ array: NumpyArray) {
    writeGlobal(module: "numpy.core.multiarray", name: "_reconstruct")
    writeGlobal(module: "numpy", name: "ndarray")
    writeInt(0)
    op(.tuple1)
    writeBytes(Array("b".utf8))
    op(.tuple3)
    op(.reduce)
    // State: (1, shape, dtype, is_fortran, rawdata).
    op(.mark)
    writeInt(1)
    writeTuple(array.shape.count) { writer, i in writer.writeInt(array.shape[i]) }
    writeGlobal(module: "numpy", name: "dtype")
    writeString(array.dtype.rawValue)
    op(.newFalse)
    op(.newTrue)
    op(.tuple3)
    op(.reduce)
    op(.mark)
    writeInt(3)
    writeString(array.dtype.itemSize == 1 ? "|" : "<")
    op(.none)
    op(.none)
    op(.none)
    writeInt(-1)
    writeInt(-1)
    writeInt(0)
    op(.tuple)
    op(.build)
    op(.newFalse)
    writeBytes(array.data)
    op(.tuple)
    op(.build)
  }
}
