import Foundation
import Synchronization

/// When a `train` run should end early with a checkpoint: on SIGINT (Ctrl-C), SIGTERM or SIGUSR1,
/// or once `--time-limit` has passed. The step in progress finishes first; the trainer then writes
/// the checkpoint of that step, so `--resume RUN` continues exactly.
///
/// A second SIGINT or SIGTERM ends the process at once (the handler gives those signals back their
/// default action). A signal ignored when `train` started (a `nohup` job's SIGINT) stays ignored.
/// Under `mpirun`, which forwards SIGUSR1 to every rank but answers SIGINT with SIGTERM and, a
/// second later, SIGKILL, `kill -USR1 <mpirun's pid>` is the way to stop a data-parallel run.
struct TrainStopRequest {
  /// The signals that ask for a stop.
  static let signals: [Int32] = [SIGINT, SIGTERM, SIGUSR1]
  /// The run ends after the step during which this many seconds (since ``start``) have passed.
  let timeLimit: Double?
  /// When the run started, for ``timeLimit``.
  let start = Date()

  /// Installs the signal handlers (printing a line on standard error when a signal arrives if
  /// `announce`, i.e. on rank 0 only).
  init(timeLimit: Double?, announce: Bool) {
    self.timeLimit = timeLimit
    trainStopAnnounce.store(announce, ordering: .relaxed)
    // A parent may have left them blocked (a test runner does): the handler would never run.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for signal in Self.signals { sigaddset(&unblock, signal) }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    for signal in Self.signals {
      let previous = Foundation.signal(signal, trainStopHandler)
      if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
        _ = Foundation.signal(signal, SIG_IGN)
      }
    }
  }

  /// The signal that asked for the stop, if one has.
  var signal: Int32? {
    let received = trainStopSignal.load(ordering: .relaxed)
    return received == 0 ? nil : received
  }

  /// Whether ``timeLimit`` has passed.
  var isPastTimeLimit: Bool { timeLimit.map { Date().timeIntervalSince(start) >= $0 } == true }

  /// Whether the run should stop after the current step.
  var isRequested: Bool { signal != nil || isPastTimeLimit }

  /// Why the run stopped, for its last lines: the signal's name, the time limit, or another rank.
  var reason: String {
    if let signal { return "\(Self.name(of: signal)) received" }
    if let timeLimit, isPastTimeLimit { return "time limit \(TrainTimeLimit.describe(timeLimit)) reached" }
    return "another rank asked to stop"
  }

  /// The usual name of a stop signal.
  static func name(of signal: Int32) -> String {
    switch signal {
    case SIGINT: "SIGINT"
    case SIGTERM: "SIGTERM"
    case SIGUSR1: "SIGUSR1"
    default: "signal \(signal)"
    }
  }
}

/// The first stop signal received (0: none). Written by the signal handler: an atomic store is
/// async-signal-safe.
private let trainStopSignal = Atomic<Int32>(0)
/// Whether the handler prints its line (rank 0).
private let trainStopAnnounce = Atomic<Bool>(false)

/// Records the signal, says what happens next, and gives SIGINT/SIGTERM their default action back so
/// that a second one ends the process at once. Only async-signal-safe calls (`write`, `signal`).
private func trainStopHandler(_ signal: Int32) {
  if trainStopSignal.load(ordering: .relaxed) == 0 { trainStopSignal.store(signal, ordering: .relaxed) }
  if signal != SIGUSR1 { _ = Foundation.signal(signal, SIG_DFL) }
  guard trainStopAnnounce.load(ordering: .relaxed) else { return }
  let message: StaticString =
    "\ntrain: stopping after this step with a checkpoint (resume with --resume RUN; Ctrl-C again quits now)\n"
  message.withUTF8Buffer { _ = write(2, $0.baseAddress, $0.count) }
}

/// `--time-limit` values: `90`, `90s`, `45m`, `2h`, `1h30m`, `1.5h`.
enum TrainTimeLimit {
  /// Seconds of a duration, nil when it is not one (or not positive).
  static func seconds(_ text: String) -> Double? {
    let units: [Character: Double] = ["h": 3600, "m": 60, "s": 1]
    if let plain = Double(text) { return plain > 0 && plain.isFinite ? plain : nil }
    var total = 0.0
    var number = ""
    for c in text {
      if let unit = units[c] {
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        total += value * unit
        number = ""
      } else if c.isNumber || c == "." {
        number.append(c)
      } else {
        return nil
      }
    }
    return number.isEmpty && total > 0 ? total : nil
  }

  /// `2h 30m 0s`-style text of a number of seconds.
  static func describe(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded())
    let (h, m, s) = (whole / 3600, whole % 3600 / 60, whole % 60)
    if h > 0 { return m > 0 || s > 0 ? "\(h)h\(m)m\(s > 0 ? "\(s)s" : "")" : "\(h)h" }
    if m > 0 { return s > 0 ? "\(m)m\(s)s" : "\(m)m" }
    return "\(s)s"
  }
}
