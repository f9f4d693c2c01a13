import CFFmpeg

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Keeps FFmpeg's own error messages (which it would print to stderr) for our errors instead.
///
/// FFmpeg's log callback receives every message; this one keeps the last message of level
/// `AV_LOG_ERROR` or worse in a per-thread slot and prints nothing. ``FFmpegSite/error(_:_:)`` takes
/// the calling thread's message when a call fails, so the error can say *why* ("moov atom not
/// found") next to FFmpeg's generic status text. Messages logged on FFmpeg's own decoder threads are
/// not seen by the calling thread and are dropped.
enum FFmpegLog {
  /// Size of each thread's message slot, terminating zero included.
  static let capacity = 256

  /// The per-thread slot: a `capacity`-byte C string, freed when its thread ends.
  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { slot in free(slot) }
    precondition(status == 0, "pthread_key_create failed (\(status))")
    return key
  }()

  /// Installs the callback once per process.
  static let installed: Void = {
    _ = key
    install()
  }()

  /// Forgets the calling thread's last message, before an operation whose failures it should explain.
  static func clear() {
    if let slot = pthread_getspecific(key) {
      slot.assumingMemoryBound(to: CChar.self).pointee = 0
    }
  }

  /// Takes (and forgets) the calling thread's last error message, or `nil` when there is none.
  static func take() -> String? {
    guard let slot = pthread_getspecific(key)?.assumingMemoryBound(to: CChar.self), slot.pointee != 0 else {
      return nil
    }
    let message = String(cString: slot)
    slot.pointee = 0
    return message
  }

  /// Formats error-level messages into the calling thread's slot; drops the rest. (Passed as a
  /// closure literal: Swift can't spell the C callback type, whose `va_list` is a pointer here.)
  private static func install() {
    av_log_set_callback { _, level, format, arguments in
      guard level <= cffmpeg_AV_LOG_ERROR, let format, let arguments else { return }
      FFmpegLog.store(format, arguments)
    }
  }

  /// Formats one message into the calling thread's slot as a single line.
  private static func store(_ format: UnsafePointer<CChar>, _ arguments: CVaListPointer) {
    var slot = pthread_getspecific(key)
    if slot == nil {
      guard let buffer = malloc(capacity) else { return }
      guard pthread_setspecific(key, buffer) == 0 else {
        free(buffer)
        return
      }
      slot = buffer
    }
    guard let text = slot?.assumingMemoryBound(to: CChar.self) else { return }
    var line = [CChar](repeating: 0, count: capacity)
    guard vsnprintf(&line, capacity, format, arguments) > 0 else { return }
    // One line: trailing newlines go, inner ones become spaces.
    var count = line.firstIndex(of: 0) ?? capacity - 1
    while count > 0, line[count - 1] == 0x0A || line[count - 1] == 0x0D { count -= 1 }
    guard count > 0 else { return }
    for i in 0..<count where line[i] == 0x0A || line[i] == 0x0D { line[i] = 0x20 }
    line[count] = 0
    line.withUnsafeBufferPointer { line in
      guard let start = line.baseAddress else { return }
      text.update(from: start, count: count + 1)
    }
  }
}
