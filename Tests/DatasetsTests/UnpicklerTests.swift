import Datasets
import Testing

/// The restricted unpickler on small pickles made by Python (PickleSamples.swift) and by hand.
@Suite struct UnpicklerTests {
  @Test func plainValuesProtocol4() throws {
    let value = try Unpickler.load(PickleSamples.plainProtocol4)
    #expect(
      value["a"]
        == .list([
          .int(1), .int(-2), .float(2.5), .none, .bool(true), .bool(false), .int(1 << 40), .int(Int.min),
        ]))
    #expect(value["b"] == .tuple([.string("é"), .bytes([0x78, 0x00])]))
  }

  @Test func numpyArrays() throws {
    let f4 = try #require(try Unpickler.load(PickleSamples.float32Protocol2).asArray)
    #expect(f4.dtype == .float32)
    #expect(f4.shape == [2, 2])
    #expect(f4.doubles() == [1.5, 2, 3, 4])
    let fortran = try #require(try Unpickler.load(PickleSamples.fortranUInt8).asArray)
    #expect(fortran.shape == [2, 3])
    #expect(fortran.ints() == [1, 2, 3, 4, 5, 6])
    let f8 = try #require(try Unpickler.load(PickleSamples.float64Protocol0).asArray)
    #expect(f8.dtype == .float64)
    #expect(f8.doubles() == [0.25, -1])
  }

  @Test func numpyScalars() throws {
    #expect(try Unpickler.load(PickleSamples.unicodeScalar) == .string("abc"))
    #expect(try Unpickler.load(PickleSamples.uint16Scalar) == .int(300))
  }

  @Test func bigEndianIsRefused() throws {
    let error = try #require(throws: PickleError.self) { try Unpickler.load(PickleSamples.bigEndianInt32) }
    guard case .unsupportedNumpy(let message, _) = error else {
      Issue.record("expected unsupportedNumpy, got \(error)")
      return
    }
    #expect(message.contains("big-endian"))
  }

  /// Python-2 `str` literals: escapes decode to bytes (Latin-1), not UTF-8 text.
  @Test func protocol0StringEscapes() throws {
    let pickle = Array("(S'a\\x00b\\'c\\n\\\\\\xe9'\nI01\nI-7\nF0.5\nL12L\nN(dp0\nS\"k\"\nI3\nsl.".utf8)
    let value = try Unpickler.load(pickle)
    let items = try #require(value.asSequence)
    #expect(items.count == 7)
    #expect(items[0] == .bytes([0x61, 0x00, 0x62, 0x27, 0x63, 0x0A, 0x5C, 0xE9]))
    #expect(items[0].asString == "a\u{0}b'c\n\\é")
    #expect(Array(items[1...5]) == [.bool(true), .int(-7), .float(0.5), .int(12), .none])
    #expect(items[6]["k"] == .int(3))
  }

  /// Memo references share one list, as in Python: `a = [1]; [a, a]` after appending.
  @Test func memoSharesContainers() throws {
    // ] q0 ( h0 h0 l  then  h0 K1 a  (append to the memoized list after it was referenced)
    let pickle: [UInt8] = [
      0x80, 0x02, 0x5D, 0x71, 0x00, 0x28, 0x68, 0x00, 0x68, 0x00, 0x6C, 0x68, 0x00, 0x4B, 0x01, 0x61, 0x30,
      0x2E,
    ]
    #expect(try Unpickler.load(pickle) == .list([.list([.int(1)]), .list([.int(1)])]))
  }
}
