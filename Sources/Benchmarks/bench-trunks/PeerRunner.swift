import Foundation

/// Where ONNX Runtime runs the same graphs: `tools/ort_peer_server.py` kept running in a
/// subprocess, so the peer's runs and ours can alternate one by one under the same machine load.
struct PeerRunner {
  /// Python interpreter of a venv with onnx, onnxruntime and numpy.
  var python: String
  /// `tools/ort_peer_server.py`.
  var script: String
  /// Folder holding `resnet50_l3.onnx` and `s3dg_m4e.onnx` from `make_models.py`.
  var models: String
  /// Intra-op threads.
  var threads: Int

  /// Starts the server on `model` and waits until its session is built; `nil` (with a message on
  /// standard error) when it cannot start.
  func start(model: String) -> PeerSession? {
    // A server that dies makes the next request fail with EPIPE (one line, exit 1), not kill us.
    signal(SIGPIPE, SIG_IGN)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, "--threads", String(threads), "\(models)/\(model).onnx"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    do {
      try process.run()
    } catch {
      FileHandle.standardError.write(Data("bench-trunks: cannot start \(python): \(error)\n".utf8))
      return nil
    }
    let session = PeerSession(
      process: process, input: input.fileHandleForWriting, output: output.fileHandleForReading)
    guard let ready = session.readLine(), ready.hasPrefix("ready") else {
      FileHandle.standardError.write(Data("bench-trunks: \(script) failed to load \(model)\n".utf8))
      session.stop()
      return nil
    }
    return session
  }
}

/// One running `ort_peer_server.py`: untimed and timed runs on request.
final class PeerSession {
  private let process: Process
  private let input: FileHandle
  private let output: FileHandle
  private var pending = Data()

  fileprivate init(process: Process, input: FileHandle, output: FileHandle) {
    (self.process, self.input, self.output) = (process, input, output)
  }

  /// Makes `runs` untimed runs; false when the server has failed.
  func warm(_ runs: Int) -> Bool {
    request("warm \(runs)") == "ok"
  }

  /// Makes one timed run; its milliseconds, or `nil` when the server has failed.
  func run() -> Double? {
    request("run").flatMap(Double.init)
  }

  /// Waits until the server's threads have stopped spinning after a run (ONNX Runtime's intra-op
  /// workers spin about 50 ms of CPU after each run), at most `limit` seconds: polls the CPU time of
  /// the server's threads every 5 ms until it advances less than 1 ms. Returns the seconds waited.
  @discardableResult
  func settle(limit: Double = 0.5) -> Double {
    let start = ContinuousClock.now
    var last = cpuNanoseconds()
    while (ContinuousClock.now - start).seconds < limit {
      Thread.sleep(forTimeInterval: 0.005)
      let now = cpuNanoseconds()
      if now - last < 1_000_000 { break }
      last = now
    }
    return (ContinuousClock.now - start).seconds
  }

  /// Ends the server (closing its input ends it).
  func stop() {
    try? input.close()
    process.waitUntilExit()
  }

  private func request(_ line: String) -> String? {
    guard process.isRunning else { return nil }
    do {
      try input.write(contentsOf: Data((line + "\n").utf8))
    } catch {
      return nil
    }
    return readLine()
  }

  fileprivate func readLine() -> String? {
    while true {
      if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[pending.startIndex..<end], as: UTF8.self)
        pending.removeSubrange(pending.startIndex...end)
        return line
      }
      let chunk = output.availableData
      if chunk.isEmpty { return nil }
      pending.append(chunk)
    }
  }

  /// Time on CPU of all the server's threads (`/proc/PID/task/*/schedstat`, first field).
  private func cpuNanoseconds() -> Int {
    let tasks = "/proc/\(process.processIdentifier)/task"
    let ids = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
    return ids.reduce(0) { total, id in
      let stat = try? String(contentsOfFile: "\(tasks)/\(id)/schedstat", encoding: .utf8)
      return total + (stat?.split(separator: " ").first.flatMap { Int($0) } ?? 0)
    }
  }
}
