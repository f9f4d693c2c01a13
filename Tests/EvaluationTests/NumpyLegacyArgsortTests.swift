import Foundation
import Testing

@testable import Evaluation

/// `NumpyLegacyArgsort` against orders recorded with numpy 1.24.4
/// (`tools/make_argsort_fixture.py`).
@Suite struct NumpyLegacyArgsortTests {
  @Test func matchesNumpy124OnArraysWithTies() throws {
    let root = try #require(try FixtureFiles.json("numpy124_argsort.json") as? [String: Any])
    let cases = try #require(root["cases"] as? [[String: Any]])
    #expect(cases.count > 90)
    var mismatches = 0
    for item in cases {
      let values = try #require(item["values"] as? [Double])
      let expected = try #require(item["order"] as? [Int])
      let order: [Int]
      if item["dtype"] as? String == "float32" {
        order = NumpyLegacyArgsort.argsort(values.map { Float($0) })
      } else {
        order = NumpyLegacyArgsort.argsort(values)
      }
      if order != expected { mismatches += 1 }
    }
    #expect(mismatches == 0)
  }

  @Test func heapsortFallbackMatchesNumpy124() throws {
    let root = try #require(try FixtureFiles.json("numpy124_argsort.json") as? [String: Any])
    let cases = try #require(root["heapsort_cases"] as? [[String: Any]])
    #expect(cases.count == 12)
    for item in cases {
      let values = try #require(item["values"] as? [Double])
      let expected = try #require(item["order"] as? [Int])
      let order =
        item["dtype"] as? String == "float32"
        ? NumpyLegacyArgsort.heapsortArgsort(values.map { Float($0) })
        : NumpyLegacyArgsort.heapsortArgsort(values)
      #expect(order == expected)
    }
  }

  @Test func sortsAndPutsNaNLast() {
    let values: [Float] = [3, .nan, 1, 2, -1, .nan, 0]
    let order = NumpyLegacyArgsort.argsort(values)
    #expect(order.prefix(5).map { values[$0] } == [-1, 0, 1, 2, 3])
    #expect(order.suffix(2).allSatisfy { values[$0].isNaN })
    #expect(NumpyLegacyArgsort.argsort([Float]()).isEmpty)
  }

  @Test func isNotStableOnLongTies() {
    // 40 equal keys: numpy's partitioning moves them, a stable sort would not.
    let order = NumpyLegacyArgsort.argsort([Float](repeating: 1, count: 40))
    #expect(Set(order) == Set(0..<40))
    #expect(order != Array(0..<40))
  }
}
