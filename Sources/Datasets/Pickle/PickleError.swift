/// Why ``Unpickler`` refused or could not read a pickle; every case carries the byte offset of the
/// opcode that failed.
public enum PickleError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The pickle asks for a global outside the numpy allow-list (`os.system`, `builtins.eval` …).
  /// Nothing was called.
  case forbiddenGlobal(module: String, name: String, offset: Int)
  /// The pickle uses an opcode that builds arbitrary objects or is not supported.
  case unsupportedOpcode(name: String, offset: Int)
  /// The byte is not a pickle opcode.
  case unknownOpcode(UInt8, offset: Int)
  /// The data ended inside an opcode (or before `STOP`).
  case truncated(offset: Int, needed: Int, available: Int)
  /// A length field asks for more bytes than remain in the data.
  case lengthTooLarge(declared: Int, available: Int, offset: Int)
  /// An opcode needed more stack items (or a `MARK`) than there were.
  case stackUnderflow(opcode: String, offset: Int)
  /// `GET` of a memo index that was never `PUT`, or a negative/huge index.
  case badMemoIndex(Int, offset: Int)
  /// Containers nested deeper than the limit (or `MARK`s piled higher than it).
  case nestingTooDeep(limit: Int, offset: Int)
  /// A container contains itself.
  case recursiveStructure(offset: Int)
  /// An opcode's argument or operands are not what it needs (text of a number, arity …).
  case malformed(String, offset: Int)
  /// A numpy array or scalar this reader does not support (big-endian, unknown dtype …).
  case unsupportedNumpy(String, offset: Int)

  /// One line: what failed and where.
  public var description: String {
    switch self {
    case .forbiddenGlobal(let module, let name, let offset):
      return "refused global \(module).\(name) at byte \(offset): only numpy array globals are allowed"
    case .unsupportedOpcode(let name, let offset):
      return "opcode \(name) at byte \(offset) is not supported (it builds arbitrary objects)"
    case .unknownOpcode(let byte, let offset):
      return "unknown opcode 0x\(String(byte, radix: 16)) at byte \(offset)"
    case .truncated(let offset, let needed, let available):
      return "truncated at byte \(offset): needed \(needed) more bytes, \(available) left"
    case .lengthTooLarge(let declared, let available, let offset):
      return "length \(declared) at byte \(offset) exceeds the \(available) bytes left"
    case .stackUnderflow(let opcode, let offset):
      return "stack underflow: \(opcode) at byte \(offset) found too few items"
    case .badMemoIndex(let index, let offset):
      return "memo index \(index) at byte \(offset) was never stored"
    case .nestingTooDeep(let limit, let offset):
      return "nesting deeper than \(limit) levels at byte \(offset)"
    case .recursiveStructure(let offset):
      return "a container contains itself (object created at byte \(offset))"
    case .malformed(let message, let offset):
      return "\(message) at byte \(offset)"
    case .unsupportedNumpy(let message, let offset):
      return "unsupported numpy data at byte \(offset): \(message)"
    }
  }
}
