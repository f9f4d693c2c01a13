import CMPI

/// How ``ProcessGroup/allReduce(_:_:)`` combines the ranks' values.
public enum ReduceOperation: Sendable {
  /// The sum.
  case sum
  /// The smallest value.
  case minimum
  /// The largest value.
  case maximum

  /// The MPI handle.
  fileprivate var handle: MPI_Op {
    switch self {
    case .sum: cmpi_op_sum()
    case .minimum: cmpi_op_min()
    case .maximum: cmpi_op_max()
    }
  }
}

extension ProcessGroup {
  /// Largest element count of one MPI call (counts are C `int`); longer buffers go in pieces.
  static let largestCount = Int(Int32.max)

  /// Replaces `buffer` on every rank by the element-wise sum of every rank's `buffer` (same count
  /// on every rank; `MPI_Allreduce` in place). Every rank receives the same sums; the order of the
  /// additions is the library's, so the result may differ from a sequential sum in the last bits.
  public func allReduceSum(_ buffer: inout [Float]) throws(MPIError) {
    let world = cmpi_comm_world()
    let count = buffer.count
    let status: Int32 = buffer.withUnsafeMutableBufferPointer { values in
      guard let base = values.baseAddress else { return cmpi_SUCCESS }
      var start = 0
      while start < count {
        let n = min(Self.largestCount, count - start)
        let s = MPI_Allreduce(cmpi_in_place(), base + start, Int32(n), cmpi_float(), cmpi_op_sum(), world)
        if s != cmpi_SUCCESS { return s }
        start += n
      }
      return cmpi_SUCCESS
    }
    try check(status, "MPI_Allreduce")
  }

  /// `value` combined over every rank with `operation` (`MPI_Allreduce` of one `UInt64`).
  public func allReduce(_ value: UInt64, _ operation: ReduceOperation) throws(MPIError) -> UInt64 {
    var result: UInt64 = 0
    var input = value
    try check(
      MPI_Allreduce(&input, &result, 1, cmpi_uint64(), operation.handle, cmpi_comm_world()), "MPI_Allreduce")
    return result
  }

  /// Copies rank `root`'s `buffer` into every rank's `buffer` (same count on every rank;
  /// `MPI_Bcast` of its bytes).
  public func broadcast<Element: BitwiseCopyable>(_ buffer: inout [Element], root: Int) throws(MPIError) {
    let world = cmpi_comm_world()
    let status: Int32 = buffer.withUnsafeMutableBytes { bytes in
      guard let base = bytes.baseAddress else { return cmpi_SUCCESS }
      var start = 0
      while start < bytes.count {
        let n = min(Self.largestCount, bytes.count - start)
        let s = MPI_Bcast(base + start, Int32(n), cmpi_byte(), Int32(root), world)
        if s != cmpi_SUCCESS { return s }
        start += n
      }
      return cmpi_SUCCESS
    }
    try check(status, "MPI_Bcast")
  }

  /// Waits until every rank has called it (`MPI_Barrier`).
  public func barrier() throws(MPIError) {
    try check(MPI_Barrier(cmpi_comm_world()), "MPI_Barrier")
  }

  /// Every rank's `bytes` on rank `root`, in rank order (`MPI_Gather` of the counts, then
  /// `MPI_Gatherv`); other ranks get an empty array. The total must fit MPI's `int` counts.
  public func gather(_ bytes: [UInt8], root: Int) throws(MPIError) -> [[UInt8]] {
    let world = cmpi_comm_world()
    guard bytes.count <= Self.largestCount else { throw .tooLarge(bytes: bytes.count) }
    var count = Int32(bytes.count)
    var counts = [Int32](repeating: 0, count: rank == root ? size : 0)
    let gathered: Int32 = counts.withUnsafeMutableBufferPointer { c in
      MPI_Gather(&count, 1, cmpi_int(), c.baseAddress, 1, cmpi_int(), Int32(root), world)
    }
    try check(gathered, "MPI_Gather")
    var offsets = [Int32](repeating: 0, count: counts.count)
    var total = 0
    for (i, n) in counts.enumerated() {
      guard total + Int(n) <= Self.largestCount else { throw .tooLarge(bytes: total + Int(n)) }
      offsets[i] = Int32(total)
      total += Int(n)
    }
    var received = [UInt8](repeating: 0, count: total)
    let status: Int32 = bytes.withUnsafeBufferPointer { send in
      received.withUnsafeMutableBufferPointer { receive in
        counts.withUnsafeBufferPointer { c in
          offsets.withUnsafeBufferPointer { o in
            MPI_Gatherv(
              send.baseAddress, count, cmpi_byte(), receive.baseAddress, c.baseAddress, o.baseAddress,
              cmpi_byte(),
              Int32(root), world)
          }
        }
      }
    }
    try check(status, "MPI_Gatherv")
    return counts.indices.map { i in Array(received[Int(offsets[i])..<Int(offsets[i]) + Int(counts[i])]) }
  }
}
