import ArgumentParser
import Tensor

/// `--precision fp32|bf16` (``ComputePrecision``'s raw values).
extension ComputePrecision: ExpressibleByArgument {}

extension ComputePrecision {
  /// The `--precision` help shared by the inference commands.
  static let help = ArgumentHelp(
    """
    GEMM precision of inference: 'bf16' needs an AVX512_BF16 CPU (operands rounded to bfloat16, fp32 \
    accumulation: faster on Zen 4/5, slower on Intel's Emerald Rapids, features off by \
    ~1-3 %; README, "bf16").
    """, valueName: "fp32|bf16")
}

extension ComputePrecision {
  /// Writes ``BF16Support/slowerThanFP32Note(rate:)`` to stderr when this precision is bf16 and the
  /// host runs bf16 GEMMs slower than fp32 ones (the run goes on: the user asked for bf16).
  func noteWhenSlowerThanFP32() {
    guard self == .bf16, let note = BF16Support.slowerThanFP32Note() else { return }
    TerminalText.warn(note)
  }
}
