extension PickleMachine {
  /// Container, memo, `REDUCE` and `BUILD` opcodes.
  mutating func executeContainerOp(_ op: PickleOpcode) throws {
    switch op {
    case .emptyList: push(newNode(.list([])))
    case .emptyTuple: push(newNode(.tuple([])))
    case .emptyDict: push(newNode(.dict(keys: [], values: [])))
    case .list: push(newNode(.list(try popToMark())))
    case .tuple: push(newNode(.tuple(try popToMark())))
    case .tuple1, .tuple2, .tuple3:
      let count = Int(op.rawValue - PickleOpcode.tuple1.rawValue) + 1
      guard stack.count - (marks.last ?? 0) >= count else { throw underflow() }
      let items = Array(stack.suffix(count))
      stack.removeLast(count)
      push(newNode(.tuple(items)))
    case .dict:
      let items = try popToMark()
      var keys: [PickleItem] = []
      var values: [PickleItem] = []
      try splitPairs(items, keys: &keys, values: &values)
      push(newNode(.dict(keys: keys, values: values)))
    case .append:
      let value = try pop()
      try appendToList(below: [value])
    case .appends:
      let items = try popToMark()
      try appendToList(below: items)
    case .setItem:
      let value = try pop()
      let key = try pop()
      try setItems(keys: [key], values: [value])
    case .setItems:
      let items = try popToMark()
      var keys: [PickleItem] = []
      var values: [PickleItem] = []
      try splitPairs(items, keys: &keys, values: &values)
      try setItems(keys: keys, values: values)
    case .get: try pushMemo(try readDecimalLine())
    case .binGet: try pushMemo(Int(try readUInt(1)))
    case .longBinGet: try pushMemo(Int(try readUInt(4)))
    case .put: try storeMemo(try readDecimalLine())
    case .binPut: try storeMemo(Int(try readUInt(1)))
    case .longBinPut: try storeMemo(Int(try readUInt(4)))
    case .memoize: try storeMemo(memoCount)
    case .reduce:
      let args = try pop()
      let callable = try pop()
      push(try reduce(callable, args))
    case .build:
      let state = try pop()
      try build(on: try top(), state: state)
    default:
      throw PickleError.unsupportedOpcode(name: opName, offset: opStart)
    }
  }

  /// Splits `k1 v1 k2 v2 …` into keys and values.
  func splitPairs(_ items: [PickleItem], keys: inout [PickleItem], values: inout [PickleItem]) throws {
    guard items.count % 2 == 0 else {
      throw PickleError.malformed(
        "\(opName) needs key-value pairs, found \(items.count) items", offset: opStart)
    }
    keys.reserveCapacity(items.count / 2)
    values.reserveCapacity(items.count / 2)
    for i in stride(from: 0, to: items.count, by: 2) {
      keys.append(items[i])
      values.append(items[i + 1])
    }
  }

  /// Appends to the list now on top of the stack.
  mutating func appendToList(below items: [PickleItem]) throws {
    guard case .object(let index) = try top(), case .list(var list) = nodes[index] else {
      throw PickleError.malformed("\(opName) target is not a list", offset: opStart)
    }
    nodes[index] = .moved  // leaves `list` uniquely referenced, so appending does not copy
    list.append(contentsOf: items)
    nodes[index] = .list(list)
  }

  /// Sets items of the dict now on top of the stack (duplicates resolved when frozen).
  mutating func setItems(keys: [PickleItem], values: [PickleItem]) throws {
    guard case .object(let index) = try top(), case .dict(var allKeys, var allValues) = nodes[index] else {
      throw PickleError.malformed("\(opName) target is not a dict", offset: opStart)
    }
    nodes[index] = .moved
    allKeys.append(contentsOf: keys)
    allValues.append(contentsOf: values)
    nodes[index] = .dict(keys: allKeys, values: allValues)
  }

  mutating func pushMemo(_ index: Int) throws {
    guard memo.indices.contains(index), let item = memo[index] else {
      throw PickleError.badMemoIndex(index, offset: opStart)
    }
    push(item)
  }

  mutating func storeMemo(_ index: Int) throws {
    // Real memo indices are below the file size; anything larger would only allocate.
    guard index >= 0, index <= buffer.count else { throw PickleError.badMemoIndex(index, offset: opStart) }
    let item = try top()
    if index >= memo.count { memo.append(contentsOf: repeatElement(nil, count: index - memo.count + 1)) }
    if memo[index] == nil { memoCount += 1 }
    memo[index] = item
  }
}
