extension PickleMachine {
  /// Executes opcodes until `STOP` and returns the frozen top of the stack.
  mutating func run() throws -> PickleValue {
    while pos < buffer.count {
      opStart = pos
      let byte = buffer[pos]
      pos += 1
      guard let op = PickleOpcode(rawValue: byte) else {
        throw PickleError.unknownOpcode(byte, offset: opStart)
      }
      currentOp = op
      if op == .stop {
        let result = try pop()
        return try freeze(result, depth: 0)
      }
      try execute(op)
    }
    throw PickleError.truncated(offset: buffer.count, needed: 1, available: 0)
  }

  /// Executes one opcode whose byte has been consumed.
  mutating func execute(_ op: PickleOpcode) throws {
    if op == .inst {
      // INST names a class inline and would call it; check it like a GLOBAL first.
      let module = try readTextLine()
      let name = try readTextLine()
      guard AllowedGlobal(module: module, name: name) != nil else {
        throw PickleError.forbiddenGlobal(module: module, name: name, offset: opStart)
      }
      throw PickleError.unsupportedOpcode(name: opName, offset: opStart)
    }
    if op.isRefused { throw PickleError.unsupportedOpcode(name: opName, offset: opStart) }
    switch op {
    case .mark:
      guard marks.count < Unpickler.maxOpenMarks else {
        throw PickleError.nestingTooDeep(limit: Unpickler.maxOpenMarks, offset: opStart)
      }
      marks.append(stack.count)
    case .pop:
      if stack.count > (marks.last ?? 0) { stack.removeLast() } else { _ = try popToMark() }
    case .popMark: _ = try popToMark()
    case .dup: push(try top())
    case .none: push(.none)
    case .newTrue: push(.bool(true))
    case .newFalse: push(.bool(false))
    case .int: try executeTextInt()
    case .long:
      var text = try readTextLine()
      if text.hasSuffix("L") { text.removeLast() }
      guard let value = Int(text) else {
        throw PickleError.malformed("LONG \"\(text.prefix(40))\" is not an integer in range", offset: opStart)
      }
      push(.int(value))
    case .float:
      let text = try readTextLine()
      guard let value = Double(text) else {
        throw PickleError.malformed("FLOAT \"\(text.prefix(40))\" is not a number", offset: opStart)
      }
      push(.float(value))
    case .binInt: push(.int(Int(Int32(truncatingIfNeeded: try readUInt(4)))))
    case .binInt1: push(.int(Int(try readUInt(1))))
    case .binInt2: push(.int(Int(try readUInt(2))))
    case .long1: try executeBinaryLong(lengthSize: 1)
    case .long4: try executeBinaryLong(lengthSize: 4)
    case .binFloat:
      let bits = try readUInt(8)
      push(.float(Double(bitPattern: bits.byteSwapped)))
    case .string: push(.bytes(try readQuotedString()))
    case .unicode: push(.string(try readRawUnicodeEscape()))
    case .binString:
      let count = Int(Int32(truncatingIfNeeded: try readUInt(4)))
      push(.bytes(Array(try takeDeclared(count))))
    case .shortBinString, .shortBinBytes: push(.bytes(Array(try takeDeclared(try readLength(1)))))
    case .binBytes: push(.bytes(Array(try takeDeclared(try readLength(4)))))
    case .binBytes8: push(.bytes(Array(try takeDeclared(try readLength(8)))))
    case .binUnicode: push(.string(try readUTF8(try takeDeclared(try readLength(4)))))
    case .shortBinUnicode: push(.string(try readUTF8(try takeDeclared(try readLength(1)))))
    case .binUnicode8: push(.string(try readUTF8(try takeDeclared(try readLength(8)))))
    case .proto:
      let version = try readUInt(1)
      guard version <= 5 else {
        throw PickleError.malformed("protocol \(version) is newer than 5", offset: opStart)
      }
    case .frame:
      // A frame only announces how many bytes follow; their opcodes run normally.
      let count = try readLength(8)
      guard count <= remaining else {
        throw PickleError.lengthTooLarge(declared: count, available: remaining, offset: opStart)
      }
    case .global:
      let module = try readTextLine()
      let name = try readTextLine()
      try pushGlobal(module: module, name: name)
    case .stackGlobal:
      let name = try pop()
      let module = try pop()
      guard let n = text(of: name), let m = text(of: module) else {
        throw PickleError.malformed("STACK_GLOBAL needs two strings", offset: opStart)
      }
      try pushGlobal(module: m, name: n)
    default:
      try executeContainerOp(op)
    }
  }

  /// `I`: protocol-0 integer, where `01` and `00` mean `True` and `False`.
  mutating func executeTextInt() throws {
    let text = try readTextLine()
    switch text {
    case "01": push(.bool(true))
    case "00": push(.bool(false))
    default:
      guard let value = Int(text) else {
        throw PickleError.malformed("INT \"\(text.prefix(40))\" is not an integer in range", offset: opStart)
      }
      push(.int(value))
    }
  }

  /// `LONG1` / `LONG4`: little-endian two's complement of a declared length (at most 8 bytes).
  mutating func executeBinaryLong(lengthSize: Int) throws {
    let count = try readLength(lengthSize)
    let bytes = try takeDeclared(count)
    guard count <= 8 else {
      throw PickleError.malformed("a \(count)-byte integer does not fit in 64 bits", offset: opStart)
    }
    guard count > 0 else { return push(.int(0)) }
    var value: UInt64 = 0
    for i in stride(from: count - 1, through: 0, by: -1) { value = value << 8 | UInt64(bytes[i]) }
    if count < 8, bytes[count - 1] & 0x80 != 0 { value |= ~0 << UInt64(count * 8) }
    push(.int(Int(Int64(bitPattern: value))))
  }

  /// Checks a global against the numpy allow-list and pushes it; anything else is refused here.
  mutating func pushGlobal(module: String, name: String) throws {
    guard let allowed = AllowedGlobal(module: module, name: name) else {
      throw PickleError.forbiddenGlobal(module: module, name: name, offset: opStart)
    }
    push(.global(allowed))
  }

  /// The text of a string item (bytes decoded as Latin-1), or `nil`.
  func text(of item: PickleItem) -> String? {
    switch item {
    case .string(let s): return s
    case .bytes(let b): return PickleValue.latin1String(b)
    default: return nil
    }
  }

  /// Decodes UTF-8 text of a `BINUNICODE` opcode.
  func readUTF8(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw PickleError.malformed("\(opName) is not valid UTF-8", offset: opStart)
    }
    return text
  }
}
