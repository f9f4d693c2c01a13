import Foundation

/// A one-line progress bar with elapsed time and ETA, redrawn on stderr.
struct ProgressBar {
  let title: String
  let total: Int
  let enabled: Bool
  let start = Date()
  private var lastDraw = Date.distantPast

  init(title: String, total: Int, enabled: Bool) {
    self.title = title
    self.total = max(total, 1)
    self.enabled = enabled
  }

  /// Redraws for `done` of `total` (at most 10 times a second, always at the end).
  mutating func update(_ done: Int) {
    guard enabled else { return }
    let now = Date()
    guard done >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    let elapsed = now.timeIntervalSince(start)
    let fraction = Double(done) / Double(total)
    let filled = Int(fraction * 30)
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
    let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
    let line = String(format: "\r%@ [%@] %d/%d  %.1f s, ETA %.1f s ", title, bar, done, total, elapsed, eta)
    FileHandle.standardError.write(Data(line.utf8))
    if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
