import Flow
import Foundation

/// The committed TV-L1 parity fixtures, made by `tools/make_flow_fixtures.py` (OpenCV 5.1.0).
enum FlowFixtures {
  /// The fixture folder beside this file.
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  /// One frame pair and OpenCV's flow on it.
  struct Pair: Sendable, CustomStringConvertible {
    /// Fixture name, e.g. `eyemakeup_f050`.
    let name: String
    /// Frame 0 (grey).
    let first: GrayImage
    /// Frame 1 (grey).
    let second: GrayImage
    /// `cv2.optflow.DualTVL1OpticalFlow_create().calc(first, second, None)`.
    let reference: FlowField

    var description: String { name }
  }

  /// The pair names listed in `flow_fixtures.txt`.
  static let names: [String] = {
    let text = (try? String(contentsOfFile: folder + "/flow_fixtures.txt", encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
  }()

  /// Loads the pair `name`.
  static func pair(_ name: String) throws -> Pair {
    let text = try String(contentsOfFile: folder + "/flow_fixtures.txt", encoding: .utf8)
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }) else {
      throw FixtureError("\(name): not in flow_fixtures.txt")
    }
    let fields = line.split(separator: " ")
    guard fields.count >= 3, let width = Int(fields[1]), let height = Int(fields[2]) else {
      throw FixtureError("\(name): bad line \(line)")
    }
    let g0 = try bytes(name + ".gray0.u8")
    let g1 = try bytes(name + ".gray1.u8")
    let flow = try floats(name + ".flow.f32")
    guard let first = GrayImage(width: width, height: height, pixels: g0),
      let second = GrayImage(width: width, height: height, pixels: g1), flow.count == 2 * width * height,
      let reference = FlowField(
        width: width, height: height, dx: stride(from: 0, to: flow.count, by: 2).map { flow[$0] },
        dy: stride(from: 1, to: flow.count, by: 2).map { flow[$0] })
    else { throw FixtureError("\(name): fixture files do not match \(width)x\(height)") }
    return Pair(name: name, first: first, second: second, reference: reference)
  }

  /// The bytes of fixture file `file`.
  static func bytes(_ file: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))
  }

  /// The little-endian float32 values of fixture file `file`.
  static func floats(_ file: String) throws -> [Float] {
    let data = try bytes(file)
    return stride(from: 0, to: data.count - 3, by: 4).map { i in
      Float(
        bitPattern: UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(
          data[i + 3]) << 24)
    }
  }
}

/// A fixture that is missing or malformed.
struct FixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Mean and 99th percentile of end-point errors.
struct EndPointSummary: CustomStringConvertible {
  /// Mean end-point error in pixels.
  let mean: Double
  /// 99th percentile (nearest rank) in pixels.
  let p99: Double
  /// Largest error in pixels.
  let max: Double

  init(_ errors: [Float]) {
    let sorted = errors.sorted()
    mean = errors.reduce(0.0) { $0 + Double($1) } / Double(Swift.max(errors.count, 1))
    p99 =
      sorted.isEmpty
      ? 0 : Double(sorted[Swift.min(sorted.count - 1, Int((0.99 * Double(sorted.count)).rounded(.up)) - 1)])
    max = Double(sorted.last ?? 0)
  }

  var description: String {
    "mean \(String(format: "%.4f", mean)) px, p99 \(String(format: "%.4f", p99)) px, max \(String(format: "%.3f", max)) px"
  }
}
