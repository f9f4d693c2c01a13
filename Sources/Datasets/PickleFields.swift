/// Typed access to the fields of an unpickled ground-truth file; a wrong type throws
/// ``DatasetError/badField(path:field:expected:found:)`` naming the file and the field path.
struct PickleFields {
  /// The file the value came from (for error messages).
  let path: String

  func bad(_ field: String, _ expected: String, _ found: PickleValue?) -> DatasetError {
    .badField(path: path, field: field, expected: expected, found: found.map(\.typeName) ?? "nothing")
  }

  func entries(_ value: PickleValue?, _ field: String) throws -> [PickleValue.Entry] {
    guard let entries = value?.asEntries else { throw bad(field, "dict", value) }
    return entries
  }

  /// The entries of a dict whose keys are strings, as `(key, value)` in file order.
  func stringKeyed(_ value: PickleValue?, _ field: String) throws -> [(key: String, value: PickleValue)] {
    try entries(value, field).map { entry in
      guard let key = entry.key.asString else { throw bad("\(field) key", "str", entry.key) }
      return (key, entry.value)
    }
  }

  func sequence(_ value: PickleValue?, _ field: String) throws -> [PickleValue] {
    guard let items = value?.asSequence else { throw bad(field, "list or tuple", value) }
    return items
  }

  func string(_ value: PickleValue?, _ field: String) throws -> String {
    guard let text = value?.asString else { throw bad(field, "str", value) }
    return text
  }

  func strings(_ value: PickleValue?, _ field: String) throws -> [String] {
    try sequence(value, field).enumerated().map { try string($1, "\(field)[\($0)]") }
  }

  func int(_ value: PickleValue?, _ field: String) throws -> Int {
    guard let number = value?.asInt else { throw bad(field, "int", value) }
    return number
  }

  func array(_ value: PickleValue?, _ field: String) throws -> NumpyArray {
    guard let array = value?.asArray else { throw bad(field, "numpy array", value) }
    return array
  }

  /// A 2-D array with `columns` columns.
  func matrix(_ value: PickleValue?, _ field: String, columns: Int) throws -> NumpyArray {
    let a = try array(value, field)
    guard a.shape.count == 2, a.shape[1] == columns else {
      throw DatasetError.badField(
        path: path, field: field, expected: "array of shape (n, \(columns))", found: "shape \(a.shape)")
    }
    return a
  }
}
