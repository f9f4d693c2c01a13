import Testing

@testable import Tensor

/// ``BufferPool`` hands a size's cached buffers out oldest first: the buffer freed longest ago is
/// the least likely still to be held in another core's caches.
struct BufferPoolTests {
  @Test func handsOutTheBufferFreedLongestAgoFirst() {
    let pool = BufferPool()
    let bytes = 1 << 20
    let (a, b, c) = (pool.take(bytes: bytes), pool.take(bytes: bytes), pool.take(bytes: bytes))
    pool.give(b, bytes: bytes)
    pool.give(a, bytes: bytes)
    pool.give(c, bytes: bytes)
    #expect(pool.take(bytes: bytes) == b)
    #expect(pool.take(bytes: bytes) == a)
    #expect(pool.take(bytes: bytes) == c)
    for p in [a, b, c] { pool.give(p, bytes: bytes) }
    pool.drain()
  }
}
