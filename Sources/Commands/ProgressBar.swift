import Foundation

/// A one-line progress display on stderr, redrawn at most ten times a second: a bar with
/// elapsed time and ETA when the total is known, a running count and rate when it is not
/// (raw video streams do not state their length). Draws nothing unless `enabled`.
struct ProgressBar {
  /// What is being counted, shown first on the line.
  let title: String
  /// How many steps make 100 %, when known.
  let total: Int?
  /// Whether to draw at all (callers pass `isatty(2)`-based defaults).
  let enabled: Bool
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var finished = false

  /// A bar for `total` steps (nil when unknown), drawn only when `enabled`.
  init(title: String, total: Int?, enabled: Bool = ProgressBar.stderrIsTerminal) {
    self.title = title
    self.total = total.map { max($0, 1) }
    self.enabled = enabled
  }

  /// Whether standard error is a terminal (progress bars would garble a log file).
  static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

  /// Redraws after `done` steps; reaching a known total ends the line.
  mutating func update(_ done: Int) {
    guard enabled, !finished else { return }
    if let total, done >= total {
      finish(done)
      return
    }
    let now = Date()
    guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    draw(done, now: now)
  }

  /// Draws the final state and ends the line.
  mutating func finish(_ done: Int) {
    guard enabled, !finished else { return }
    finished = true
    draw(done, now: Date())
    FileHandle.standardError.write(Data("\n".utf8))
  }

  private func draw(_ done: Int, now: Date) {
    let elapsed = now.timeIntervalSince(start)
    var line = "\r\(title) "
    if let total {
      let fraction = min(1, Double(done) / Double(total))
      let filled = Int(fraction * 30)
      line += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled) + "]"
      line += " \(done)/\(total)"
      let eta = done > 0 ? elapsed / Double(done) * Double(max(0, total - done)) : 0
      line += String(format: "  %.1f s, ETA %.1f s ", elapsed, eta)
    } else {
      let rate = elapsed > 0 ? Double(done) / elapsed : 0
      line += String(format: "%d  %.1f s, %.1f/s ", done, elapsed, rate)
    }
    FileHandle.standardError.write(Data(line.utf8))
  }
}
