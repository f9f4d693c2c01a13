extension PickleMachine {
  /// Converts a stack item and everything it references into a ``PickleValue``, refusing cycles
  /// and nesting deeper than ``Unpickler/maxDepth``.
  mutating func freeze(_ item: PickleItem, depth: Int) throws -> PickleValue {
    switch item {
    case .none: return .none
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let d): return .float(d)
    case .bytes(let b): return .bytes(b)
    case .string(let s): return .string(s)
    case .global:
      throw PickleError.malformed("a numpy global is left as a value", offset: opStart)
    case .object(let index):
      if let value = frozen[index] { return value }
      let offset = nodeOffsets[index]
      guard depth < Unpickler.maxDepth else {
        throw PickleError.nestingTooDeep(limit: Unpickler.maxDepth, offset: offset)
      }
      guard freezing.insert(index).inserted else { throw PickleError.recursiveStructure(offset: offset) }
      let value = try freezeNode(nodes[index], depth: depth, offset: offset)
      freezing.remove(index)
      frozen[index] = value
      return value
    }
  }

  private mutating func freezeNode(_ node: PickleNode, depth: Int, offset: Int) throws -> PickleValue {
    switch node {
    case .list(let items):
      return .list(try items.map { try freeze($0, depth: depth + 1) })
    case .tuple(let items):
      return .tuple(try items.map { try freeze($0, depth: depth + 1) })
    case .dict(let keys, let values):
      var entries: [PickleValue.Entry] = []
      entries.reserveCapacity(keys.count)
      var position: [PickleValue: Int] = [:]
      for (k, v) in zip(keys, values) {
        let key = try freeze(k, depth: depth + 1)
        let value = try freeze(v, depth: depth + 1)
        if let existing = position[key] {
          entries[existing].value = value  // Python keeps the first position, the last value
        } else {
          position[key] = entries.count
          entries.append(PickleValue.Entry(key: key, value: value))
        }
      }
      return .dict(entries)
    case .array(let array):
      return .array(array)
    case .pendingArray:
      throw PickleError.unsupportedNumpy("ndarray never received its state (BUILD)", offset: offset)
    case .dtype:
      throw PickleError.unsupportedNumpy("a numpy dtype is not a supported value", offset: offset)
    case .moved:
      throw PickleError.recursiveStructure(offset: offset)
    }
  }
}
