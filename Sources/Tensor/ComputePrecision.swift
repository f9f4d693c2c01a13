import CKernelsBF16

/// Arithmetic of the GEMMs behind convolutions, their backward passes and `Compute.gemm` (see
/// ``Compute/setPrecision(_:support:)``).
public enum ComputePrecision: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
  /// Single precision throughout (OpenBLAS `sgemm`); the default.
  case fp32
  /// Both GEMM operands rounded to bfloat16 (8-bit significand, round to nearest even), products
  /// accumulated in fp32 and written in fp32 (AVX512_BF16 `vdpbf16ps`). About twice the
  /// multiply-adds per cycle of fp32; each operand carries a relative rounding error up to 2⁻⁹.
  case bf16

  /// The option value: `fp32` or `bf16`.
  public var description: String { rawValue }
}

/// Whether this CPU can run the bf16 GEMM, and what it is (for error messages).
///
/// ``host`` asks the CPU (cpuid: AVX-512F/BW/VL and AVX512_BF16; xgetbv: the OS saves ZMM state);
/// tests build other values to check the refusal on any machine.
public struct BF16Support: Sendable, Equatable {
  /// True when the bf16 kernels can run.
  public var isAvailable: Bool
  /// The CPU's brand string and the flags the bf16 path needs, e.g.
  /// `AMD EPYC (avx512f yes, avx512bw yes, avx512vl yes, avx512_bf16 no, OS zmm state yes, avx2 yes, fma yes)`.
  public var cpu: String

  /// A support record with the given answers (tests).
  public init(isAvailable: Bool, cpu: String) {
    self.isAvailable = isAvailable
    self.cpu = cpu
  }

  /// The machine this process runs on (checked once).
  public static let host: BF16Support = {
    var buffer = [CChar](repeating: 0, count: 256)
    ckbf16_cpu_description(&buffer, buffer.count)
    let cpu = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return BF16Support(isAvailable: ckbf16_cpu_supported() == 1, cpu: cpu)
  }()

  /// The host's bf16 dot product's multiply-adds per second over its fp32 FMA's
  /// (`ckbf16_dot_rate_over_fma`, measured once, in under a millisecond, on first use): about 2
  /// where the bf16 GEMMs pay (Zen 4, Zen 5), about 0.5 on Intel's Emerald Rapids; 0 without
  /// AVX512_BF16.
  public static let hostDotRateOverFMA: Double = ckbf16_dot_rate_over_fma()

  /// One line for a bf16 run on a CPU whose bf16 dot product does fewer multiply-adds per second
  /// than its fp32 FMA (`rate` below 1: bf16 GEMMs run slower than fp32 ones there), else nil.
  ///
  /// ```swift
  /// BF16Support.slowerThanFP32Note(rate: 0.5)
  /// // note: --precision bf16 is slower than fp32 on this CPU: its bf16 dot product does 0.5× …
  /// ```
  public static func slowerThanFP32Note(rate: Double = hostDotRateOverFMA) -> String? {
    guard rate > 0, rate < 1 else { return nil }
    let shown = (rate * 100).rounded() / 100
    return "note: --precision bf16 is slower than fp32 on this CPU: its bf16 dot product does \(shown)× "
      + "the multiply-adds per second of its fp32 FMA (as on Intel's Emerald Rapids); "
      + "fp32 is the faster choice here"
  }
}

/// A precision the CPU cannot run.
public struct ComputePrecisionError: Error, Equatable, CustomStringConvertible {
  /// The precision asked for.
  public let precision: ComputePrecision
  /// The CPU's description (``BF16Support/cpu``).
  public let cpu: String

  /// One line: `bf16 needs a CPU with AVX512_BF16 (this CPU: …)`.
  public var description: String { "\(precision) needs a CPU with AVX512_BF16 (this CPU: \(cpu))" }
}
