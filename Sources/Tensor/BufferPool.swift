import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A cache of freed large buffers, keyed by size, so repeated network runs reuse memory.
///
/// Buffers of at least `minimumBytes` are kept (up to `capacityBytes` in total) when their tensor
/// dies and handed out again, the one freed longest ago first, for the next allocation of the same
/// rounded size. Small buffers go straight to the system allocator.
final class BufferPool: Sendable {
  /// The process-wide pool.
  static let shared = BufferPool()

  /// Smallest buffer worth caching.
  static let minimumBytes = 256 << 10
  /// Default for the most bytes kept in the cache.
  static let defaultCapacityBytes = 512 << 20
  /// Sizes are rounded up to this granularity.
  static let granule = 64 << 10

  /// Cached free buffers and their total size.
  private struct State: ~Copyable {
    var free: [Int: [UncheckedSendable<UnsafeMutableRawPointer>]] = [:]
    var cachedBytes = 0
    var capacityBytes = BufferPool.defaultCapacityBytes
    /// True sizes of the large buffers handed out (a best-fit buffer can exceed its request).
    var sizes: [Int: Int] = [:]
  }

  private let state = Mutex(State())

  /// A 64-byte aligned buffer of at least `bytes` bytes.
  func take(bytes: Int) -> UnsafeMutableRawPointer {
    guard bytes >= Self.minimumBytes else {
      return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    }
    let size = Self.rounded(bytes)
    let cached = state.withLock { s -> (UnsafeMutableRawPointer, Int)? in
      // Best fit among cached sizes up to 1.5x the request (the buffer keeps its true size).
      var best: Int?
      for (key, list) in s.free where key >= size && key <= size + size / 2 && !list.isEmpty {
        if best == nil || key < best! { best = key }
      }
      // The one freed longest ago: when the two threads' cores sit far apart, writing lines the
      // other core still holds (it read the layer the buffer last held) costs a round trip
      // between them per line, 0.5 ms a megabyte; the most recently freed buffer is the likeliest
      // to be held. In slow phases ResNet's layer-3 1×1s ran 4–7 % faster.
      guard let key = best else { return nil }
      let p = s.free[key]!.removeFirst()
      s.cachedBytes -= key
      return (p.value, key)
    }
    if let (pointer, key) = cached {
      state.withLock { $0.sizes[Int(bitPattern: pointer)] = key }
      return pointer
    }
    let pointer = Self.allocate(size)
    state.withLock { $0.sizes[Int(bitPattern: pointer)] = size }
    return pointer
  }

  /// Returns a buffer obtained from `take(bytes:)` with the same `bytes`.
  func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
    guard bytes >= Self.minimumBytes else {
      pointer.deallocate()
      return
    }
    let size =
      state.withLock { $0.sizes.removeValue(forKey: Int(bitPattern: pointer)) } ?? Self.rounded(bytes)
    let kept = state.withLock { s -> Bool in
      guard s.cachedBytes + size <= s.capacityBytes else { return false }
      s.free[size, default: []].append(UncheckedSendable(pointer))
      s.cachedBytes += size
      return true
    }
    if !kept { pointer.deallocate() }
  }

  /// Sets the most bytes kept (frees every cached buffer first).
  func setCapacity(_ bytes: Int) {
    drain()
    state.withLock { $0.capacityBytes = max(0, bytes) }
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

  /// Whether large buffers ask for transparent huge pages (`TENSOR_HUGE_PAGES=0`: never).
  static let usesHugePages = EnvironmentSwitch.isOn("TENSOR_HUGE_PAGES")

  /// Huge page size (transparent huge pages on Linux).
  static let hugePage = 2 << 20

  /// `size` bytes, 64-byte aligned; from `hugePage` bytes up, aligned to a huge page and marked
  /// for transparent huge pages (`MADV_HUGEPAGE`), so layers that write many channel planes at once
  /// do not miss the TLB on every plane.
  static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
    guard size >= hugePage && usesHugePages else {
      return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }
    let pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: hugePage)
    #if os(Linux)
      _ = madvise(pointer, size / hugePage * hugePage, MADV_HUGEPAGE)
    #endif
    return pointer
  }
}
