import Foundation

/// Runs ONNX Runtime on the same graph as a subprocess (`peer_onnxruntime.py`), so the peer and
/// our trunks are timed in alternation under the same machine load.
struct PeerRunner {
  /// Python interpreter of a venv with onnx, onnxruntime and numpy.
  var python: String
  /// `../shared/bench/peer_onnxruntime.py`.
  var script: String
  /// Folder holding `resnet50_l3.onnx` and `s3dg_m4e.onnx` from `make_models.py`.
  var models: String
  /// Intra-op threads.
  var threads: Int

  /// Times `model` (`runs` runs after `warmup` untimed ones); returns the per-run milliseconds, or
  /// `nil` (with a message on standard error) when the peer cannot run.
  func run(model: String, runs: Int, warmup: Int) -> [Double]? {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bench-trunks-ort-\(getpid()).jsonl")
    try? FileManager.default.removeItem(at: json)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [
      script, "--dir", models, "--threads", String(threads), "--runs", String(runs),
      "--warmup", String(warmup), "--json", json.path, model,
    ]
    process.standardOutput = FileHandle.nullDevice
    do {
      try process.run()
      process.waitUntilExit()
    } catch {
      FileHandle.standardError.write(Data("bench-trunks: cannot start \(python): \(error)\n".utf8))
      return nil
    }
    defer { try? FileManager.default.removeItem(at: json) }
    guard process.terminationStatus == 0, let text = try? String(contentsOf: json, encoding: .utf8),
      let line = text.split(separator: "\n").last,
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let times = object["runs"] as? [Double]
    else {
      FileHandle.standardError.write(
        Data("bench-trunks: \(script) failed for \(model) (status \(process.terminationStatus))\n".utf8))
      return nil
    }
    return times
  }
}
