/// The pickle opcodes this reader knows (CPython `Lib/pickle.py` names and byte values).
enum PickleOpcode: UInt8 {
  // Protocol 0 (text arguments ending in "\n").
  case mark = 0x28  // (
  case stop = 0x2E  // .
  case pop = 0x30  // 0
  case popMark = 0x31  // 1
  case dup = 0x32  // 2
  case float = 0x46  // F
  case int = 0x49  // I
  case long = 0x4C  // L
  case none = 0x4E  // N
  case persID = 0x50  // P
  case reduce = 0x52  // R
  case string = 0x53  // S
  case unicode = 0x56  // V
  case append = 0x61  // a
  case build = 0x62  // b
  case global = 0x63  // c
  case dict = 0x64  // d
  case appends = 0x65  // e
  case get = 0x67  // g
  case inst = 0x69  // i
  case list = 0x6C  // l
  case obj = 0x6F  // o
  case put = 0x70  // p
  case setItem = 0x73  // s
  case tuple = 0x74  // t
  case setItems = 0x75  // u
  case emptyDict = 0x7D  // }
  case emptyList = 0x5D  // ]
  case emptyTuple = 0x29  // )
  // Protocol 1 (binary arguments).
  case binPersID = 0x51  // Q
  case binInt = 0x4A  // J
  case binInt1 = 0x4B  // K
  case binInt2 = 0x4D  // M
  case binFloat = 0x47  // G
  case binString = 0x54  // T
  case shortBinString = 0x55  // U
  case binUnicode = 0x58  // X
  case binGet = 0x68  // h
  case longBinGet = 0x6A  // j
  case binPut = 0x71  // q
  case longBinPut = 0x72  // r
  // Protocol 2.
  case proto = 0x80
  case newObj = 0x81
  case ext1 = 0x82
  case ext2 = 0x83
  case ext4 = 0x84
  case tuple1 = 0x85
  case tuple2 = 0x86
  case tuple3 = 0x87
  case newTrue = 0x88
  case newFalse = 0x89
  case long1 = 0x8A
  case long4 = 0x8B
  // Protocol 3.
  case binBytes = 0x42  // B
  case shortBinBytes = 0x43  // C
  // Protocol 4.
  case shortBinUnicode = 0x8C
  case binUnicode8 = 0x8D
  case binBytes8 = 0x8E
  case emptySet = 0x8F
  case addItems = 0x90
  case frozenSet = 0x91
  case newObjEx = 0x92
  case stackGlobal = 0x93
  case memoize = 0x94
  case frame = 0x95
  // Protocol 5.
  case byteArray8 = 0x96
  case nextBuffer = 0x97
  case readOnlyBuffer = 0x98

  /// True for the opcodes that would build or look up arbitrary objects; they are always refused.
  var isRefused: Bool {
    switch self {
    case .persID, .binPersID, .inst, .obj, .newObj, .newObjEx, .ext1, .ext2, .ext4,
      .emptySet, .addItems, .frozenSet, .byteArray8, .nextBuffer, .readOnlyBuffer:
      return true
    default:
      return false
    }
  }

  /// The CPython name of the opcode (`pickletools` spelling), for error messages.
  var name: String {
    switch self {
    case .mark: return "MARK"
    case .stop: return "STOP"
    case .pop: return "POP"
    case .popMark: return "POP_MARK"
    case .dup: return "DUP"
    case .float: return "FLOAT"
    case .int: return "INT"
    case .long: return "LONG"
    case .none: return "NONE"
    case .persID: return "PERSID"
    case .reduce: return "REDUCE"
    case .string: return "STRING"
    case .unicode: return "UNICODE"
    case .append: return "APPEND"
    case .build: return "BUILD"
    case .global: return "GLOBAL"
    case .dict: return "DICT"
    case .appends: return "APPENDS"
    case .get: return "GET"
    case .inst: return "INST"
    case .list: return "LIST"
    case .obj: return "OBJ"
    case .put: return "PUT"
    case .setItem: return "SETITEM"
    case .tuple: return "TUPLE"
    case .setItems: return "SETITEMS"
    case .emptyDict: return "EMPTY_DICT"
    case .emptyList: return "EMPTY_LIST"
    case .emptyTuple: return "EMPTY_TUPLE"
    case .binPersID: return "BINPERSID"
    case .binInt: return "BININT"
    case .binInt1: return "BININT1"
    case .binInt2: return "BININT2"
    case .binFloat: return "BINFLOAT"
    case .binString: return "BINSTRING"
    case .shortBinString: return "SHORT_BINSTRING"
    case .binUnicode: return "BINUNICODE"
    case .binGet: return "BINGET"
    case .longBinGet: return "LONG_BINGET"
    case .binPut: return "BINPUT"
    case .longBinPut: return "LONG_BINPUT"
    case .proto: return "PROTO"
    case .newObj: return "NEWOBJ"
    case .ext1: return "EXT1"
    case .ext2: return "EXT2"
    case .ext4: return "EXT4"
    case .tuple1: return "TUPLE1"
    case .tuple2: return "TUPLE2"
    case .tuple3: return "TUPLE3"
    case .newTrue: return "NEWTRUE"
    case .newFalse: return "NEWFALSE"
    case .long1: return "LONG1"
    case .long4: return "LONG4"
    case .binBytes: return "BINBYTES"
    case .shortBinBytes: return "SHORT_BINBYTES"
    case .shortBinUnicode: return "SHORT_BINUNICODE"
    case .binUnicode8: return "BINUNICODE8"
    case .binBytes8: return "BINBYTES8"
    case .emptySet: return "EMPTY_SET"
    case .addItems: return "ADDITEMS"
    case .frozenSet: return "FROZENSET"
    case .newObjEx: return "NEWOBJ_EX"
    case .stackGlobal: return "STACK_GLOBAL"
    case .memoize: return "MEMOIZE"
    case .frame: return "FRAME"
    case .byteArray8: return "BYTEARRAY8"
    case .nextBuffer: return "NEXT_BUFFER"
    case .readOnlyBuffer: return "READONLY_BUFFER"
    }
  }
}
