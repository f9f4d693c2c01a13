import Synchronization

/// A cache of freed large buffers, keyed by size, so repeated network runs reuse memory.
///
/// Buffers of at least `minimumBytes` are kept (up to `capacityBytes` in total) when their tensor
/// dies and handed out again for the next allocation of the same rounded size. Small buffers go
/// straight to the system allocator.
final class BufferPool: Sendable {
  /// The process-wide pool.
  static let shared = BufferPool()

  /// Smallest buffer worth caching.
  static let minimumBytes = 256 << 10
  /// Most bytes kept in the cache.
  static let capacityBytes = 768 << 20
  /// Sizes are rounded up to this granularity.
  static let granule = 64 << 10

  /// Cached free buffers and their total size.
  private struct State: ~Copyable {
    var free: [Int: [UncheckedSendable<UnsafeMutableRawPointer>]] = [:]
    var cachedBytes = 0
  }

  private let state = Mutex(State())

  /// A 64-byte aligned buffer of at least `bytes` bytes.
  func take(bytes: Int) -> UnsafeMutableRawPointer {
    guard bytes >= Self.minimumBytes else {
      return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    }
    let size = Self.rounded(bytes)
    let cached = state.withLock { s -> UnsafeMutableRawPointer? in
      guard let p = s.free[size]?.popLast() else { return nil }
      s.cachedBytes -= size
      return p.value
    }
    return cached ?? UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
  }

  /// Returns a buffer obtained from `take(bytes:)` with the same `bytes`.
  func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
    guard bytes >= Self.minimumBytes else {
      pointer.deallocate()
      return
    }
    let size = Self.rounded(bytes)
    let kept = state.withLock { s -> Bool in
      guard s.cachedBytes + size <= Self.capacityBytes else { return false }
      s.free[size, default: []].append(UncheckedSendable(pointer))
      s.cachedBytes += size
      return true
    }
    if !kept { pointer.deallocate() }
  }

  /// Frees every cached buffer.
  func drain() {
    let all = state.withLock { s -> [UncheckedSendable<UnsafeMutableRawPointer>] in
      let all = s.free.values.flatMap { $0 }
      s.free = [:]
      s.cachedBytes = 0
      return all
    }
    for p in all { p.value.deallocate() }
  }

  private static func rounded(_ bytes: Int) -> Int { (bytes + granule - 1) / granule * granule }
}
