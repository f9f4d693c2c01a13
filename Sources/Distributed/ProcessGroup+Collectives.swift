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
}
