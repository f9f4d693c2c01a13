extension PickleMachine {
  /// `REDUCE`: calls one of the allowed numpy globals the way numpy pickles use it.
  mutating func reduce(_ callable: PickleItem, _ args: PickleItem) throws -> PickleItem {
    guard case .global(let global) = callable else {
      throw PickleError.malformed("REDUCE callable is not a global", offset: opStart)
    }
    guard case .object(let argsIndex) = args, case .tuple(let a) = nodes[argsIndex] else {
      throw PickleError.malformed("REDUCE arguments are not a tuple", offset: opStart)
    }
    switch global {
    case .reconstruct:
      guard a.count == 3, case .global(.ndarray) = a[0] else {
        throw PickleError.unsupportedNumpy(
          "_reconstruct must be called as (ndarray, shape, typecode)", offset: opStart)
      }
      return newNode(.pendingArray)
    case .dtype:
      guard (1...3).contains(a.count), let code = text(of: a[0]) else {
        throw PickleError.malformed("numpy.dtype needs a type-code string", offset: opStart)
      }
      return newNode(.dtype(DTypeNode(code: code, byteOrder: nil)))
    case .scalar:
      guard a.count == 2, case .object(let d) = a[0], case .dtype(let dtype) = nodes[d],
        case .bytes(let data) = a[1]
      else {
        throw PickleError.unsupportedNumpy("scalar must be called as (dtype, bytes)", offset: opStart)
      }
      return try scalarItem(dtype, data)
    case .ndarray:
      throw PickleError.unsupportedNumpy(
        "numpy.ndarray may only be an argument of _reconstruct", offset: opStart)
    case .codecsEncode:
      guard a.count == 2, case .string(let text) = a[0], let encoding = self.text(of: a[1]),
        ["latin1", "latin-1", "iso-8859-1", "iso8859-1"].contains(encoding.lowercased())
      else {
        throw PickleError.malformed("_codecs.encode is only allowed as (str, 'latin1')", offset: opStart)
      }
      var bytes: [UInt8] = []
      bytes.reserveCapacity(text.unicodeScalars.count)
      for scalar in text.unicodeScalars {
        guard scalar.value < 256 else {
          throw PickleError.malformed("_codecs.encode: text is not Latin-1", offset: opStart)
        }
        bytes.append(UInt8(scalar.value))
      }
      return .bytes(bytes)
    }
  }

  /// `BUILD`: sets the state of a pending ndarray or of a dtype.
  mutating func build(on target: PickleItem, state: PickleItem) throws {
    guard case .object(let index) = target else {
      throw PickleError.malformed("BUILD target is not an object", offset: opStart)
    }
    switch nodes[index] {
    case .pendingArray:
      nodes[index] = .array(try makeArray(state: state))
    case .dtype(var dtype):
      guard case .object(let s) = state, case .tuple(let t) = nodes[s], t.count >= 2,
        let order = text(of: t[1]), order.utf8.count == 1, let byte = order.utf8.first
      else {
        throw PickleError.unsupportedNumpy("dtype state is not (version, byteorder, …)", offset: opStart)
      }
      dtype.byteOrder = byte
      nodes[index] = .dtype(dtype)
    default:
      throw PickleError.unsupportedOpcode(name: "BUILD on a non-numpy object", offset: opStart)
    }
  }

  /// Builds an ndarray from its state `(version, shape, dtype, is_fortran, rawdata)`.
  func makeArray(state: PickleItem) throws -> NumpyArray {
    guard case .object(let s) = state, case .tuple(var t) = nodes[s], t.count == 4 || t.count == 5 else {
      throw PickleError.unsupportedNumpy(
        "ndarray state is not (version, shape, dtype, fortran, data)", offset: opStart)
    }
    if t.count == 5 { t.removeFirst() }
    guard case .object(let shapeIndex) = t[0], case .tuple(let shapeItems) = nodes[shapeIndex] else {
      throw PickleError.unsupportedNumpy("ndarray shape is not a tuple", offset: opStart)
    }
    var shape: [Int] = []
    var count = 1
    for item in shapeItems {
      guard case .int(let n) = item, n >= 0 else {
        throw PickleError.unsupportedNumpy(
          "ndarray shape holds a non-integer or negative size", offset: opStart)
      }
      let (product, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow else {
        throw PickleError.unsupportedNumpy("ndarray shape \(shape + [n]) overflows", offset: opStart)
      }
      count = product
      shape.append(n)
    }
    guard case .object(let d) = t[1], case .dtype(let dtypeNode) = nodes[d] else {
      throw PickleError.unsupportedNumpy("ndarray dtype is not a numpy.dtype", offset: opStart)
    }
    let dtype = try numericDType(dtypeNode)
    let fortran: Bool
    switch t[2] {
    case .bool(let b): fortran = b
    case .int(let i): fortran = i != 0
    default: throw PickleError.unsupportedNumpy("ndarray is_fortran flag is not a bool", offset: opStart)
    }
    guard case .bytes(let data) = t[3] else {
      throw PickleError.unsupportedNumpy(
        "ndarray data is not a byte string (object arrays are refused)", offset: opStart)
    }
    let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
    guard !overflow, expected == data.count else {
      throw PickleError.unsupportedNumpy(
        "shape \(shape) of \(dtype.rawValue) needs \(overflow ? "too many" : String(expected)) bytes, found \(data.count)",
        offset: opStart)
    }
    if fortran, shape.count > 1 {
      return NumpyArray(
        dtype: dtype, shape: shape, data: Self.fortranToC(data, shape: shape, itemSize: dtype.itemSize))
    }
    return NumpyArray(dtype: dtype, shape: shape, data: data)
  }

  /// Reorders the bytes of a Fortran-order (column-major) array into C order (row-major).
  static func fortranToC(_ data: [UInt8], shape: [Int], itemSize: Int) -> [UInt8] {
    let count = shape.reduce(1, *)
    guard count > 0 else { return data }
    if shape.count == 2, itemSize <= 2 {
      // The common case (pyannot boxes): a transpose of an (n, 4) matrix of u1 or u2.
      let (rows, columns) = (shape[0], shape[1])
      var out = [UInt8](repeating: 0, count: data.count)
      for r in 0..<rows {
        for c in 0..<columns {
          let to = (r * columns + c) * itemSize
          let from = (c * rows + r) * itemSize
          out[to] = data[from]
          if itemSize == 2 { out[to + 1] = data[from + 1] }
        }
      }
      return out
    }
    // Fortran stride of each axis, in elements.
    var fortranStride = [Int](repeating: 1, count: shape.count)
    for axis in 1..<shape.count { fortranStride[axis] = fortranStride[axis - 1] * shape[axis - 1] }
    var out = [UInt8](repeating: 0, count: data.count)
    var index = [Int](repeating: 0, count: shape.count)
    var source = 0
    out.withUnsafeMutableBytes { dst in
      data.withUnsafeBytes { src in
        for c in 0..<count {
          dst.baseAddress!.advanced(by: c * itemSize)
            .copyMemory(from: src.baseAddress!.advanced(by: source * itemSize), byteCount: itemSize)
          // Advance the C-order multi-index (last axis fastest) and its Fortran offset.
          var axis = shape.count - 1
          while axis >= 0 {
            index[axis] += 1
            source += fortranStride[axis]
            if index[axis] < shape[axis] { break }
            source -= fortranStride[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
          }
        }
      }
    }
    return out
  }

  /// The supported numeric dtype of `node`, checking its byte order.
  func numericDType(_ node: DTypeNode) throws -> NumpyDType {
    guard let dtype = NumpyDType(rawValue: node.code) else {
      let known = NumpyDType.allCases.map(\.rawValue).joined(separator: " ")
      throw PickleError.unsupportedNumpy("dtype '\(node.code)' (supported: \(known))", offset: opStart)
    }
    try checkByteOrder(node, singleByte: dtype.itemSize == 1)
    return dtype
  }

  /// Accepts `<` (little-endian) and, for 1-byte types, `|`.
  func checkByteOrder(_ node: DTypeNode, singleByte: Bool) throws {
    switch node.byteOrder {
    case UInt8(ascii: "<"): return
    case UInt8(ascii: "|") where singleByte: return
    case UInt8(ascii: ">"):
      throw PickleError.unsupportedNumpy("big-endian dtype >\(node.code)", offset: opStart)
    case nil:
      throw PickleError.unsupportedNumpy("dtype '\(node.code)' has no byte order (no BUILD)", offset: opStart)
    case let byte?:
      throw PickleError.unsupportedNumpy(
        "byte order '\(Character(Unicode.Scalar(byte)))' for dtype '\(node.code)'", offset: opStart)
    }
  }

  /// A numpy scalar: unicode (`U<n>`, UTF-32-LE, zero-padded) → string; numeric → number.
  func scalarItem(_ node: DTypeNode, _ data: [UInt8]) throws -> PickleItem {
    if node.code.hasPrefix("U") {
      guard let n = Int(node.code.dropFirst()), n > 0, data.count == 4 * n else {
        throw PickleError.unsupportedNumpy(
          "unicode scalar '\(node.code)' with \(data.count) bytes", offset: opStart)
      }
      try checkByteOrder(node, singleByte: true)
      var scalars = String.UnicodeScalarView()
      let text = try data.withUnsafeBytes { raw -> String in
        var end = n
        while end > 0, raw.le(UInt32.self, end - 1) == 0 { end -= 1 }
        for i in 0..<end {
          guard let scalar = Unicode.Scalar(raw.le(UInt32.self, i)) else {
            throw PickleError.unsupportedNumpy("unicode scalar holds an invalid code point", offset: opStart)
          }
          scalars.append(scalar)
        }
        return String(scalars)
      }
      return .string(text)
    }
    let dtype = try numericDType(node)
    guard data.count == dtype.itemSize else {
      throw PickleError.unsupportedNumpy(
        "scalar of dtype \(dtype.rawValue) has \(data.count) bytes, expected \(dtype.itemSize)",
        offset: opStart)
    }
    let array = NumpyArray(dtype: dtype, shape: [], data: data)
    if let ints = array.ints(), let value = ints.first { return .int(value) }
    return .float(array.doubles()[0])
  }
}
