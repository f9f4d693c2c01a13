/// A counter-based random generator that gives bit-identical `Float`s in Swift and in NumPy
/// (`tools/counter_random.py`), so seeded full-width test weights need not be committed.
///
/// Element `i` (0-based) of the stream named `name` under `seed`:
/// 1. `h = FNV-1a-64(UTF-8 bytes of name)` (offset basis 0xcbf29ce484222325, prime 0x100000001b3);
/// 2. `z = (seed XOR h) + (i + 1) · 0x9E3779B97F4A7C15` (all arithmetic modulo 2^64);
/// 3. SplitMix64 finaliser: `z = (z XOR z>>30) · 0xBF58476D1CE4E5B9`, `z = (z XOR z>>27) · 0x94D049BB133111EB`,
///    `z = z XOR z>>31`;
/// 4. `k = z >> 40` (24 bits), `u = Float32(k − 2^23) / 2^23` — exact, in [−1, 1);
/// 5. value `= Float32(center) + Float32(halfWidth) · u`, each operation one IEEE float32 rounding
///    (the product is rounded, then the sum).
public struct CounterRandom: Sendable {
  /// The seed shared by every stream.
  public var seed: UInt64

  /// Creates a generator with `seed`.
  public init(seed: UInt64) { self.seed = seed }

  /// FNV-1a 64-bit hash of the UTF-8 bytes of `name`.
  public static func nameHash(_ name: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
  }

  /// The exact value in [−1, 1) of element `index` of stream `name` (steps 1–4).
  public func unit(_ name: String, index: Int) -> Float {
    Self.unit(key: seed ^ Self.nameHash(name), index: index)
  }

  /// `count` values `center + halfWidth · u` of stream `name` (steps 1–5).
  public func values(_ name: String, count: Int, center: Float = 0, halfWidth: Float = 1) -> [Float] {
    let key = seed ^ Self.nameHash(name)
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      var counter = key
      for i in 0..<count {
        counter = counter &+ 0x9E37_79B9_7F4A_7C15
        var z = counter
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        buffer[i] = center + halfWidth * (Float(Int32(truncatingIfNeeded: z >> 40) - 8_388_608) * 0x1p-23)
      }
      initialized = count
    }
  }

  private static func unit(key: UInt64, index: Int) -> Float {
    var z = key &+ (UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(Int32(truncatingIfNeeded: z >> 40) - 8_388_608) * 0x1p-23
  }
}
