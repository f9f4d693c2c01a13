import CKernelsBF16
import Testing

/// `ck_move_off_cpu`, with which a pool worker leaves its caller's CPU: it moves the thread only when
/// the thread may run elsewhere, and gives the thread back the whole set of CPUs it was allowed.
@Suite struct WorkerSpreadTests {
  /// The calling thread's allowed CPUs, as bytes.
  private func allowedSet() -> [UInt8] {
    var bits = [UInt8](repeating: 0, count: Int(CK_CPU_SET_BYTES))
    #expect(ck_allowed_cpus(&bits, bits.count) > 0)
    return bits
  }

  /// Sets the calling thread's allowed CPUs from bytes that `allowedSet` returned.
  private func setAllowed(_ bits: [UInt8]) {
    #expect(ck_allow_cpus(bits, bits.count) == 0)
  }

  /// How many CPUs the bytes of a set allow.
  private func count(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 + $1.nonzeroBitCount } }

  @Test func refusesCPUsOutsideTheSet() {
    #expect(ck_move_off_cpu(-1) == 0)
    #expect(ck_move_off_cpu(1 << 20) == 0)
  }

  @Test(.enabled(if: ck_current_cpu() >= 0, "sched_getcpu is not available"))
  func movesOffAndKeepsTheAllowedSet() {
    let before = allowedSet()
    guard count(before) >= 2 else { return }
    let cpu = ck_current_cpu()
    #expect(ck_move_off_cpu(cpu) == 1)
    #expect(allowedSet() == before, "the thread's allowed CPUs changed")
  }

  @Test(.enabled(if: ck_current_cpu() >= 0, "sched_getcpu is not available"))
  func staysWhenItMayRunOnlyThere() {
    let before = allowedSet()
    defer { setAllowed(before) }
    let cpu = Int(ck_current_cpu())
    var only = [UInt8](repeating: 0, count: before.count)
    only[cpu / 8] = 1 << (cpu % 8)
    setAllowed(only)
    #expect(ck_move_off_cpu(ck_current_cpu()) == 0)
    #expect(allowedSet() == only)
  }
}
