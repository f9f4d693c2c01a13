import Datasets
import Foundation
import Testing

/// Hostile and broken pickles: refused with the right error, nothing run, no crash.
@Suite struct HostilePickleTests {
  static let marker = "/tmp/datasets-pwned-\(getpid())"

  static func expectError(
    _ bytes: [UInt8], _ expected: PickleError, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(throws: expected, sourceLocation: sourceLocation) { try Unpickler.load(bytes) }
  }

  @Test func protocol0SystemCallIsRefused() throws {
    let pickle = Array("cos\nsystem\n(S'touch \(Self.marker)'\ntR.".utf8)
    Self.expectError(pickle, .forbiddenGlobal(module: "os", name: "system", offset: 0))
    #expect(!FileManager.default.fileExists(atPath: Self.marker))
  }

  @Test func protocol2SystemCallIsRefused() throws {
    let command = Array("touch \(Self.marker)".utf8)
    var pickle: [UInt8] = [0x80, 0x02] + Array("cposix\nsystem\nq\u{0}X".utf8)
    pickle += [UInt8(command.count), 0, 0, 0] + command + [0x85, 0x52, 0x2E]
    Self.expectError(pickle, .forbiddenGlobal(module: "posix", name: "system", offset: 2))
    #expect(!FileManager.default.fileExists(atPath: Self.marker))
  }

  @Test func otherGlobalsAreRefused() throws {
    Self.expectError(
      Array("cbuiltins\neval\n.".utf8), .forbiddenGlobal(module: "builtins", name: "eval", offset: 0))
    Self.expectError(
      Array("(csubprocess\nPopen\n.".utf8), .forbiddenGlobal(module: "subprocess", name: "Popen", offset: 1))
    // INST names the class inline.
    Self.expectError(
      Array("(S'ls'\nios\nsystem\n.".utf8), .forbiddenGlobal(module: "os", name: "system", offset: 7))
    // Protocol 4 STACK_GLOBAL takes module and name from the stack.
    let stackGlobal: [UInt8] =
      [0x80, 0x04, 0x8C, 0x08] + Array("builtins".utf8) + [0x8C, 0x04] + Array("eval".utf8) + [0x93]
    Self.expectError(stackGlobal, .forbiddenGlobal(module: "builtins", name: "eval", offset: 18))
    // A numpy global may not call anything but what numpy pickles use.
    let call: [UInt8] = Array("cnumpy\ndtype\n(cos\nsystem\ntR.".utf8)
    Self.expectError(call, .forbiddenGlobal(module: "os", name: "system", offset: 14))
  }

  @Test func objectBuildingOpcodesAreRefused() throws {
    Self.expectError(
      Array("cnumpy\nndarray\n)".utf8) + [0x81, 0x2E], .unsupportedOpcode(name: "NEWOBJ", offset: 16))
    Self.expectError(Array("(cnumpy\nndarray\no.".utf8), .unsupportedOpcode(name: "OBJ", offset: 16))
  }

  @Test func truncatedRealFilesFailCleanly() throws {
    for path in ["\(TestPaths.annotations)/jhmdb/JHMDB-GT.pkl", "\(TestPaths.annotations)/ucf24/pyannot.pkl"]
    {
      let bytes = try readBytes(path)
      for cut in [0, 1, 2, 100, 4_097, bytes.count / 2, bytes.count - 1] {
        let error = try #require(throws: PickleError.self) { try Unpickler.load(Array(bytes[..<cut])) }
        switch error {
        case .truncated, .lengthTooLarge: break  // the data ended inside an opcode or a declared field
        default: Issue.record("cut \(cut) of \(path): \(error)")
        }
      }
    }
  }

  @Test func hugeDeclaredLengths() throws {
    Self.expectError(
      [0x80, 0x03, 0x42, 0xFF, 0xFF, 0xFF, 0x7F, 0x00],
      .lengthTooLarge(declared: 0x7FFF_FFFF, available: 1, offset: 2))
    Self.expectError(
      [0x80, 0x04, 0x8D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x2E],
      .lengthTooLarge(declared: 0x0FFF_FFFF_FFFF_FFFF, available: 1, offset: 2))
    Self.expectError(
      [0x80, 0x04, 0x95, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2E],
      .lengthTooLarge(declared: 1 << 32, available: 1, offset: 2))
    Self.expectError(
      [0x54, 0xFE, 0xFF, 0xFF, 0xFF, 0x2E], .lengthTooLarge(declared: -2, available: 1, offset: 0))
  }

  @Test func badMemoIndices() throws {
    Self.expectError([0x80, 0x02, 0x68, 0x05, 0x2E], .badMemoIndex(5, offset: 2))
    Self.expectError(Array("g99999999999\n.".utf8), .badMemoIndex(99_999_999_999, offset: 0))
    Self.expectError(Array("Np99999999999\n.".utf8), .badMemoIndex(99_999_999_999, offset: 1))
  }

  @Test func stackAndOpcodeErrors() throws {
    Self.expectError([0x61], .stackUnderflow(opcode: "APPEND", offset: 0))
    Self.expectError(Array("t.".utf8), .stackUnderflow(opcode: "TUPLE", offset: 0))
    Self.expectError([0x2E], .stackUnderflow(opcode: "STOP", offset: 0))
    Self.expectError([0x4E, 0xFF], .unknownOpcode(0xFF, offset: 1))
    Self.expectError(Array("Iabc\n.".utf8), .malformed("INT \"abc\" is not an integer in range", offset: 0))
    Self.expectError([0x4E, 0x4E, 0x61, 0x2E], .malformed("APPEND target is not a list", offset: 2))
  }

  @Test func deepNestingAndCycles() throws {
    let deep = [UInt8](repeating: 0x5D, count: 300) + [UInt8](repeating: 0x61, count: 299) + [0x2E]
    #expect(throws: PickleError.self) { try Unpickler.load(deep) }
    let error = try #require(throws: PickleError.self) { try Unpickler.load(deep) }
    if case .nestingTooDeep(let limit, _) = error {
      #expect(limit == Unpickler.maxDepth)
    } else {
      Issue.record("expected nestingTooDeep, got \(error)")
    }
    Self.expectError([UInt8](repeating: 0x28, count: 20_000), .nestingTooDeep(limit: 10_000, offset: 10_000))
    // ] q0 h0 a: a list appended to itself.
    Self.expectError([0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E], .recursiveStructure(offset: 0))
  }

  @Test func corruptArrayState() throws {
    // The (2, 2) float32 sample with its shape changed to (2, 3): 24 bytes needed, 16 present.
    var bytes = PickleSamples.float32Protocol2
    let shape: [UInt8] = [0x4B, 0x01, 0x4B, 0x02, 0x4B, 0x02, 0x86]  // version 1, shape (2, 2)
    let at = try #require(
      (0..<(bytes.count - shape.count)).first { Array(bytes[$0..<($0 + shape.count)]) == shape })
    bytes[at + 5] = 0x03
    let error = try #require(throws: PickleError.self) { try Unpickler.load(bytes) }
    #expect(error == .unsupportedNumpy("shape [2, 3] of f4 needs 24 bytes, found 16", offset: 225))
  }

  @Test func errorsNameTheFile() throws {
    let path = "/tmp/datasets-tests-hostile-\(getpid()).pkl"
    try writeBytes(Array("cos\nsystem\n(S'echo pwned'\ntR.".utf8), to: path)
    defer { removeFile(path) }
    let error = try #require(throws: DatasetError.self) { try GroundTruth(actPickleAt: path) }
    #expect(
      "\(error)"
        == "\(path): unpickling failed: refused global os.system at byte 0: only numpy array globals are allowed"
    )
    let missing = try #require(throws: DatasetError.self) { try GroundTruth(actPickleAt: path + ".none") }
    #expect("\(missing)" == "\(path).none: open failed: no such file")
  }
}

/// Ground-truth readers on hostile but well-formed pickles.
@Suite struct HostileGroundTruthTests {
  /// One array referenced 2,000 times (tools/make_pickle_samples.py): more boxes than file bytes.
  @Test func sharedArraysCannotMultiplyBoxes() throws {
    let path = "\(TestPaths.fixtures)/shared_array_bomb.pkl"
    let error = try #require(throws: DatasetError.self) { try GroundTruth(actPickleAt: path) }
    #expect("\(error)".hasPrefix("\(path): gttubes[a/v][0]: expected at most"))
    // The same value without the budget is read (20,000 boxes), so the structure itself is valid.
    let gt = try GroundTruth(actPickle: try Unpickler.load(contentsOf: path), source: path)
    #expect(gt.videos["a/v"]?.tubes.count == 2_000)
  }
}
