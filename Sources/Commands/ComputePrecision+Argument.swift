import ArgumentParser
import Tensor

/// `--precision fp32|bf16` (``ComputePrecision``'s raw values).
extension ComputePrecision: ExpressibleByArgument {}

extension ComputePrecision {
  /// The `--precision` help shared by the inference commands.
  static let help = ArgumentHelp(
    """
    GEMM precision of inference: 'bf16' needs an AVX512_BF16 CPU (operands rounded to bfloat16, fp32 \
    accumulation: faster, features off by ~1-3 %; README, "bf16").
    """, valueName: "fp32|bf16")
}
