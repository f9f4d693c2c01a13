import Foundation
import Testing

@testable import Training

/// `train` ends early with a checkpoint of its last step, exit status 0 and a line saying how to go
/// on: on Ctrl-C (SIGINT) of a single process, on `--time-limit`, and under `mpirun` on SIGUSR1 to
/// `mpirun` (which forwards it to every rank; the ranks agree on the step through the all-reduce).
/// The `train` executable on the tiny synthetic set, as `DataParallelTests`.
@Suite struct TrainStopTests {
  static func arguments(_ groundTruth: String, _ set: SyntheticSet, run: String) -> [String] {
    [
      "synthetic", "split1", "--gt", groundTruth, "--frames-root", set.root, "--scratch", "64x80,8,8,16,20",
      "--steps", "100000", "--batch-size", "2", "--train", "all", "--seed", "7", "--checkpoint-every", "1000",
      "--calibration-samples", "2", "--threads", "1", "--run", run,
    ]
  }

  /// Starts `program`, sends `signal` once `log.csv` in `run` has two steps, and returns the exit
  /// status and the output (killing it, and failing, if it is still running 120 s later).
  static func interrupted(
    _ program: String, _ arguments: [String], run: String, signal: Int32
  ) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("train-stop-\(UUID()).txt")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    // The child inherits this thread's signal mask, and a test runner's worker threads block
    // SIGUSR1 and SIGINT: unblock them while spawning (`train` unblocks its own, `mpirun` does not).
    var signals = sigset_t()
    var previous = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, signal)
    pthread_sigmask(SIG_UNBLOCK, &signals, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning, Date() < deadline {
      let rows =
        (try? String(contentsOfFile: run + "/log.csv", encoding: .utf8))?.split(separator: "\n").count ?? 0
      if rows >= 3 { break }  // the header and two steps
      Thread.sleep(forTimeInterval: 0.1)
    }
    kill(process.processIdentifier, signal)
    // A run that ignores the signal must fail the test, not hang it.
    let stopBy = Date().addingTimeInterval(120)
    while process.isRunning, Date() < stopBy { Thread.sleep(forTimeInterval: 0.1) }
    let ignored = process.isRunning
    if ignored { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(!ignored, "still running 120 s after signal \(signal)")
    try handle.close()
    return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
  }

  /// The step of the stop line, checking the run folder holds that step's checkpoint and state.
  static func checkStoppedRun(_ output: String, run: String, reason: String) throws {
    #expect(output.contains("(\(reason))"), "\(output)")
    #expect(output.contains("continue with --resume \(run)"), "\(output)")
    let state = try RunState.read(directory: run)
    #expect(state.step >= 2 && state.step < 1000, "\(state.step)")
    #expect(state.checkpoint == String(format: "step-%07d.safetensors", state.step))
    #expect(FileManager.default.fileExists(atPath: run + "/" + state.checkpoint))
    #expect(output.contains("stopped at step \(state.step) of 100000"), "\(output)")
  }

  @Test func interruptStopsWithACheckpoint() throws {
    let train = try DataParallelTests.trainExecutable()
    let (set, groundTruth) = try DataParallelTests.syntheticSet()
    defer { set.remove() }
    let run = set.root + "/run"
    let (status, output) = try Self.interrupted(
      train, Self.arguments(groundTruth, set, run: run), run: run, signal: SIGINT)
    #expect(status == 0, "\(output)")
    try Self.checkStoppedRun(output, run: run, reason: "SIGINT received")
    #expect(output.contains("train: stopping after this step with a checkpoint"), "\(output)")
  }

  @Test func timeLimitStopsWithACheckpoint() throws {
    let train = try DataParallelTests.trainExecutable()
    let (set, groundTruth) = try DataParallelTests.syntheticSet()
    defer { set.remove() }
    let run = set.root + "/run"
    // Two steps take about a second in a debug build; the limit ends the run a few steps later.
    let output = try DataParallelTests.run(
      train, Self.arguments(groundTruth, set, run: run) + ["--time-limit", "3s"])
    try Self.checkStoppedRun(output, run: run, reason: "time limit 3s reached")
  }

  @Test(
    .enabled(
      if: DataParallelTests.mpirun != nil,
      "mpirun is not installed (tools/setup.sh installs openmpi-bin): skipped"))
  func userSignalStopsEveryRankAtTheSameStep() throws {
    let train = try DataParallelTests.trainExecutable()
    let (set, groundTruth) = try DataParallelTests.syntheticSet()
    defer { set.remove() }
    let run = set.root + "/run"
    let (status, output) = try Self.interrupted(
      DataParallelTests.mpirun!,
      ["--allow-run-as-root", "--oversubscribe", "-np", "2", train]
        + Self.arguments(groundTruth, set, run: run),
      run: run, signal: SIGUSR1)
    #expect(status == 0, "\(output)")
    try Self.checkStoppedRun(output, run: run, reason: "SIGUSR1 received")
    #expect(!output.contains("exiting improperly"), "\(output)")
  }
}
