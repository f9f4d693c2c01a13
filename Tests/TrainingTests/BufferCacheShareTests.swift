import Testing

@testable import Commands

/// `train`'s buffer cache: a quarter of the machine's memory shared by the ranks on that machine,
/// at most 8 GiB per process.
@Suite struct BufferCacheShareTests {
  @Test func quarterOfMemoryCappedAt8GiB() {
    #expect(TrainSetup.bufferCacheBytes(memory: 24 << 30) == 6 << 30)
    #expect(TrainSetup.bufferCacheBytes(memory: 256 << 30) == 8 << 30)
  }

  @Test func ranksOnOneMachineShareTheQuarter() {
    #expect(TrainSetup.bufferCacheBytes(memory: 24 << 30, ranksOnMachine: 2) == 3 << 30)
    #expect(TrainSetup.bufferCacheBytes(memory: 16 << 30, ranksOnMachine: 8) == 512 << 20)
    // Many ranks on a large machine: each still capped, never more than its share.
    #expect(TrainSetup.bufferCacheBytes(memory: 256 << 30, ranksOnMachine: 4) == 8 << 30)
    #expect(TrainSetup.bufferCacheBytes(memory: 24 << 30, ranksOnMachine: 0) == 6 << 30)
  }
}
