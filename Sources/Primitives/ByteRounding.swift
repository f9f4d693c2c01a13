extension UInt8 {
  /// `value` rounded half away from zero and clamped to 0…255: bit for bit
  /// `UInt8(max(0, min(255, value.rounded())))` (NaN gives 255, as that expression does), without
  /// the `roundf` call `rounded()` compiles to on the package's baseline CPU.
  ///
  /// Clamping first changes nothing (values in [−0.5, 0) round to −0 or −1, both clamped to 0).
  /// On the clamped `c`, `c − trunc(c)` is exact (Sterbenz: `c` lies in `[i, 2i]` for `i ≥ 1`), so
  /// comparing it with 0.5 rounds exactly as `rounded()` does.
  @inlinable
  public init(roundingClamped value: Float) {
    let c = Swift.max(0, Swift.min(255, value))
    let whole = Int(c)
    self = UInt8(truncatingIfNeeded: whole + (c - Float(whole) >= 0.5 ? 1 : 0))
  }
}
