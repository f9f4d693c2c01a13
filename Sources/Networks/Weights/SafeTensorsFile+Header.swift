import Foundation

extension SafeTensorsFile {
  /// Parses and validates the JSON header; `dataStart` is the absolute offset of the data section.
  static func parseHeader(
    _ json: Data, path: String, dataStart: Int, fileSize: Int
  ) throws -> (entries: [String: Entry], metadata: [String: String]) {
    func fail(_ step: String, _ detail: String) -> WeightError {
      .malformed(file: path, step: step, detail: detail)
    }
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: json, options: [])
    } catch {
      throw fail("JSON header", "not valid JSON (\(json.count) bytes)")
    }
    guard let header = object as? [String: Any] else {
      throw fail("JSON header", "expected a JSON object at the top level")
    }
    let dataSize = fileSize - dataStart
    var entries: [String: Entry] = [:]
    var metadata: [String: String] = [:]
    for (key, value) in header {
      if key == "__metadata__" {
        guard let map = value as? [String: Any] else {
          throw fail("__metadata__", "expected an object of strings")
        }
        for (name, item) in map {
          guard let text = item as? String else {
            throw fail("__metadata__", "value of '\(name)' is not a string")
          }
          metadata[name] = text
        }
        continue
      }
      let step = "entry '\(key)'"
      guard let fields = value as? [String: Any] else { throw fail(step, "expected an object") }
      guard let dtypeName = fields["dtype"] as? String else { throw fail(step, "missing string 'dtype'") }
      guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
        throw fail(step, "unknown dtype '\(dtypeName)'")
      }
      let shape = try integers(fields["shape"], step: step, field: "shape", path: path)
      let offsets = try integers(fields["data_offsets"], step: step, field: "data_offsets", path: path)
      guard offsets.count == 2 else {
        throw fail(step, "data_offsets has \(offsets.count) values, expected 2")
      }
      let (begin, end) = (offsets[0], offsets[1])
      guard begin <= end else { throw fail(step, "data_offsets [\(begin), \(end)] is decreasing") }
      guard end <= dataSize else {
        throw fail(step, "data_offsets end \(end) is past the data section of \(dataSize) bytes")
      }
      var elements = 1
      for dimension in shape {
        let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
        guard !overflow, product <= dataSize else {
          throw fail(step, "shape \(shape) is larger than the file")
        }
        elements = product
      }
      let expectedBytes = elements * dtype.byteSize
      guard end - begin == expectedBytes else {
        throw fail(
          step, "holds \(end - begin) bytes, expected \(expectedBytes) for \(dtype.rawValue) \(shape)")
      }
      entries[key] = Entry(dtype: dtype, shape: shape, byteRange: (dataStart + begin)..<(dataStart + end))
    }
    let ordered = entries.sorted {
      ($0.value.byteRange.lowerBound, $0.key) < ($1.value.byteRange.lowerBound, $1.key)
    }
    for (previous, next) in zip(ordered, ordered.dropFirst())
    where next.value.byteRange.lowerBound < previous.value.byteRange.upperBound {
      throw fail("data_offsets", "'\(previous.key)' and '\(next.key)' overlap")
    }
    return (entries, metadata)
  }

  /// Reads a JSON array of non-negative integers.
  private static func integers(_ value: Any?, step: String, field: String, path: String) throws -> [Int] {
    guard let array = value as? [Any] else {
      throw WeightError.malformed(file: path, step: step, detail: "missing array '\(field)'")
    }
    return try array.map { item in
      guard let number = item as? NSNumber, case let real = number.doubleValue,
        real >= 0, real <= 9_007_199_254_740_992, real == real.rounded()
      else {
        throw WeightError.malformed(
          file: path, step: step, detail: "'\(field)' holds \(item), expected a non-negative integer")
      }
      return Int(real)
    }
  }
}
