import CMPI

/// A failed MPI call, or a process group that cannot be set up.
///
/// Its description is one line naming the call:
/// `MPI_Allreduce failed: MPI_ERR_TRUNCATE: message truncated (15)`.
public enum MPIError: Error, CustomStringConvertible, Equatable {
  /// `call` returned `code`; `message` is `MPI_Error_string`'s text for it.
  case failed(call: String, code: Int32, message: String)
  /// MPI is already initialised (or finalised) in this process: one ``ProcessGroup`` per process.
  case alreadyStarted
  /// The library gives less thread support than the wrapper needs (`MPI_THREAD_FUNNELED`).
  case threadSupport(provided: Int32, required: Int32)
  /// A gather would exceed MPI's `int` byte counts.
  case tooLarge(bytes: Int)

  /// One line naming what failed.
  public var description: String {
    switch self {
    case .failed(let call, let code, let message): "\(call) failed: \(message) (\(code))"
    case .alreadyStarted: "MPI was already initialised in this process: create one ProcessGroup per process"
    case .threadSupport(let provided, let required):
      "MPI_Init_thread: thread level \(provided) provided, \(required) (MPI_THREAD_FUNNELED) required"
    case .tooLarge(let bytes): "MPI_Gatherv: \(bytes) bytes gathered, at most \(Int32.max) fit MPI's counts"
    }
  }
}

/// The error of `status` returned by `call`, or nil when it is `MPI_SUCCESS`.
func mpiError(_ status: Int32, _ call: String) -> MPIError? {
  guard status != cmpi_SUCCESS else { return nil }
  var text = [CChar](repeating: 0, count: Int(cmpi_MAX_ERROR_STRING) + 1)
  var length: Int32 = 0
  let described = MPI_Error_string(status, &text, &length) == cmpi_SUCCESS
  let message =
    described
    ? String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    : "unknown MPI error"
  return .failed(call: call, code: status, message: message)
}

/// Throws ``MPIError/failed(call:code:message:)`` naming `call` unless `status` is `MPI_SUCCESS`.
func check(_ status: Int32, _ call: String) throws(MPIError) {
  if let error = mpiError(status, call) { throw error }
}
