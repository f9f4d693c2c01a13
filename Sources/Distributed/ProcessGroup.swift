import CMPI
import Foundation

/// The processes of an `mpirun` job (MPI's world communicator): owns MPI's initialisation, which
/// it finalises when released. One per process, used from the thread that created it
/// (`MPI_THREAD_FUNNELED`: other threads may run, but only this one calls MPI).
///
/// ```swift
/// if let group = try ProcessGroup.joinIfLaunched() {
///   print("rank \(group.rank) of \(group.size)")
/// }
/// ```
///
/// Every MPI call reports failure as an ``MPIError`` naming the call (errors return, they do not
/// end the job: MPI's error handler is set to `MPI_ERRORS_RETURN`).
public final class ProcessGroup {
  /// This process's index in the job, `0..<size`.
  public let rank: Int
  /// Number of processes in the job.
  public let size: Int
  /// Number of the job's processes on this machine (this one included): they share its memory.
  public let localSize: Int

  /// Whether this process was started by an MPI launcher: `mpirun`/`mpiexec` (Open MPI sets
  /// `OMPI_COMM_WORLD_SIZE`), or a PMIx/PMI launcher such as `srun` (`PMIX_RANK`, `PMI_RANK`).
  public static func isLaunchedByMPI(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> Bool
  {
    ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"].contains { environment[$0] != nil }
  }

  /// The job's group when this process was started by an MPI launcher; nil otherwise, without
  /// calling MPI at all (a plain run stays a single process).
  public static func joinIfLaunched(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(MPIError) -> ProcessGroup? {
    isLaunchedByMPI(environment: environment) ? try ProcessGroup() : nil
  }

  /// Initialises MPI (`MPI_Init_thread`, funneled) and joins the world communicator.
  public init() throws(MPIError) {
    let (rank, size, localSize) = try Self.start()
    self.rank = rank
    self.size = size
    self.localSize = localSize
  }

  /// Initialises MPI and reads rank, size and the number of ranks sharing this machine
  /// (`MPI_Comm_split_type`, `MPI_COMM_TYPE_SHARED`); finalises again when a later step fails, so a
  /// throwing ``init()`` leaves nothing initialised.
  private static func start() throws(MPIError) -> (rank: Int, size: Int, localSize: Int) {
    var flag: Int32 = 0
    try check(MPI_Initialized(&flag), "MPI_Initialized")
    if flag != 0 { throw .alreadyStarted }
    try check(MPI_Finalized(&flag), "MPI_Finalized")
    if flag != 0 { throw .alreadyStarted }
    var provided: Int32 = 0
    try check(MPI_Init_thread(nil, nil, cmpi_THREAD_FUNNELED, &provided), "MPI_Init_thread")
    do throws(MPIError) {
      guard provided >= cmpi_THREAD_FUNNELED else {
        throw .threadSupport(provided: provided, required: cmpi_THREAD_FUNNELED)
      }
      let world = cmpi_comm_world()
      try check(MPI_Comm_set_errhandler(world, cmpi_errors_return()), "MPI_Comm_set_errhandler")
      var rank: Int32 = 0
      var size: Int32 = 0
      try check(MPI_Comm_rank(world, &rank), "MPI_Comm_rank")
      try check(MPI_Comm_size(world, &size), "MPI_Comm_size")
      var machine: MPI_Comm? = nil
      try check(
        MPI_Comm_split_type(world, cmpi_COMM_TYPE_SHARED, rank, cmpi_info_null(), &machine),
        "MPI_Comm_split_type")
      var localSize: Int32 = 0
      let sized = MPI_Comm_size(machine, &localSize)
      try check(MPI_Comm_free(&machine), "MPI_Comm_free")
      try check(sized, "MPI_Comm_size")
      return (Int(rank), Int(size), Int(localSize))
    } catch {
      if let failure = mpiError(MPI_Finalize(), "MPI_Finalize") { report(failure) }
      throw error
    }
  }

  deinit {
    if let failure = mpiError(MPI_Finalize(), "MPI_Finalize") { Self.report(failure) }
  }

  /// Whether this is rank 0, the one that writes files and prints progress.
  public var isLeader: Bool { rank == 0 }

  /// Prints `rank R of N: message` as one line on standard error, then ends every process of the
  /// job (`MPI_Abort` on the world communicator with `code`).
  public func abort(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("rank \(rank) of \(size): \(message)\n".utf8))
    if let failure = mpiError(MPI_Abort(cmpi_comm_world(), code), "MPI_Abort") { Self.report(failure) }
    exit(code)
  }

  /// Writes an error that cannot be thrown (finalisation, abort) to standard error.
  private static func report(_ error: MPIError) {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
  }
}
