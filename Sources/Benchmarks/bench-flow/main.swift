// Times TV-L1 (Flow) on the grey frame pairs of a folder made by `tools/bench_flow_opencv.py
// --make-pairs DIR`, and, when OpenCV's flows are there (`--write-flow`), prints the end-point
// difference to them. `tools/bench_flow.sh` alternates this with OpenCV's timing and sums up.
//
//   bench-flow --pairs DIR [--threads N] [--runs R]
//
// Prints one line per pair: "swift NAME ms1 ms2 ..." (each run one `flow(from:to:)` on a fresh
// solver, after one untimed warm-up), then "epe NAME MEAN P99 MAX" in pixels.
import Flow
import Foundation
import Tensor

/// The command line's options.
struct Options {
  var pairs = ""
  var threads = 2
  var runs = 1

  init(_ arguments: [String]) throws {
    var i = 1
    func value() throws -> String {
      i += 1
      guard i < arguments.count else { throw BenchError("\(arguments[i - 1]) needs a value") }
      return arguments[i]
    }
    while i < arguments.count {
      switch arguments[i] {
      case "--pairs": pairs = try value()
      case "--threads": threads = Int(try value()) ?? 0
      case "--runs": runs = Int(try value()) ?? 0
      default: throw BenchError("unknown option \(arguments[i])")
      }
      i += 1
    }
    guard !pairs.isEmpty, threads >= 1, runs >= 1 else {
      throw BenchError("usage: bench-flow --pairs DIR [--threads N >= 1] [--runs R >= 1]")
    }
  }
}

/// A one-line error.
struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// The file's bytes, or a one-line error naming it.
func bytes(_ path: String) throws -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw BenchError("\(path): cannot read")
  }
  return [UInt8](data)
}

/// Little-endian float32 values of a file.
func floats(_ path: String) throws -> [Float] {
  let data = try bytes(path)
  return stride(from: 0, to: data.count - 3, by: 4).map { i in
    Float(
      bitPattern: UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3])
        << 24)
  }
}

/// Writes `line` to standard output at once (unbuffered, so the script sees it in order).
func emit(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func main() throws {
  let options = try Options(CommandLine.arguments)
  Compute.setThreadCount(options.threads)
  let list = try String(contentsOfFile: options.pairs + "/pairs.txt", encoding: .utf8)
  for line in list.split(separator: "\n") {
    let fields = line.split(separator: " ").map(String.init)
    guard fields.count == 3, let width = Int(fields[1]), let height = Int(fields[2]) else {
      throw BenchError("pairs.txt: bad line \(line)")
    }
    let name = fields[0]
    let base = options.pairs + "/" + name
    guard let first = GrayImage(width: width, height: height, pixels: try bytes(base + ".gray0.u8")),
      let second = GrayImage(width: width, height: height, pixels: try bytes(base + ".gray1.u8"))
    else { throw BenchError("\(base): grey frames are not \(width)x\(height)") }
    let flow = try TVL1OpticalFlow().flow(from: first, to: second)
    var times: [Double] = []
    for _ in 0..<options.runs {
      let solver = try TVL1OpticalFlow()
      let start = DispatchTime.now().uptimeNanoseconds
      _ = try solver.flow(from: first, to: second)
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    emit("swift \(name) " + times.map { String(format: "%.1f", $0) }.joined(separator: " "))
    if FileManager.default.fileExists(atPath: base + ".flow.f32") {
      let reference = try floats(base + ".flow.f32")
      let errors = (0..<(width * height)).map { i -> Float in
        let ex = flow.dx[i] - reference[2 * i]
        let ey = flow.dy[i] - reference[2 * i + 1]
        return (ex * ex + ey * ey).squareRoot()
      }.sorted()
      let mean = errors.reduce(0.0) { $0 + Double($1) } / Double(errors.count)
      let p99 = errors[Int((0.99 * Double(errors.count)).rounded(.up)) - 1]
      emit("epe \(name) " + String(format: "%.4f %.4f %.3f", mean, p99, errors.last ?? 0))
    }
  }
}

do {
  try main()
} catch {
  FileHandle.standardError.write(Data("bench-flow: \(error)\n".utf8))
  exit(1)
}
