import Foundation
import Networks
import Primitives
import Tensor

/// The torchvision-op fixture `Fixtures/ops.safetensors` (made by tools/make_detection_fixtures.py).
enum OpsFixture {
  /// Folder of the fixtures, next to this file.
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// Opens a fixture file.
  static func file(_ name: String = "ops") throws -> SafeTensorsFile {
    try SafeTensorsFile(path: "\(directory)/\(name).safetensors")
  }

  /// A fixture tensor.
  static func tensor(_ file: SafeTensorsFile, _ key: String) throws -> Tensor {
    guard let entry = file.entries[key] else { throw WeightError.missingKey(key: key) }
    return Tensor(shape: entry.shape, scalars: try file.floats(key))
  }

  /// A `[n, 4]` fixture tensor as boxes.
  static func boxes(_ file: SafeTensorsFile, _ key: String) throws -> [Box] {
    let v = try file.floats(key)
    return stride(from: 0, to: v.count, by: 4).map {
      Box(x1: v[$0], y1: v[$0 + 1], x2: v[$0 + 2], y2: v[$0 + 3])
    }
  }
}

/// `max |a − b| / max |b|` (b is the reference).
func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count, "maxRelativeError: \(a.count) vs \(b.count) values")
  var diff: Float = 0
  var scale: Float = 0
  for i in a.indices {
    diff = max(diff, abs(a[i] - b[i]))
    scale = max(scale, abs(b[i]))
  }
  return diff / max(scale, .leastNormalMagnitude)
}
