import Tensor

/// Accumulates wall time and FLOPs per layer kind during a network run.
final class Profile {
  /// Totals of one layer kind.
  struct Entry {
    var seconds: Double = 0
    var flops: Double = 0
    var calls = 0
  }

  /// Totals by kind, in first-seen order.
  private(set) var entries: [String: Entry] = [:]
  /// Kinds in first-seen order.
  private(set) var order: [String] = []
  /// Distinct convolution GEMM shapes seen (M, N, K), with the kind they belong to.
  private(set) var gemmShapes: [GemmShape] = []
  /// Whether to time each layer (a run without timing measures the plain total).
  var enabled = true

  /// Runs `body`, charging its wall time and `flops` to `kind`.
  func measure<T>(_ kind: String, flops: Double = 0, _ body: () -> T) -> T {
    guard enabled else { return body() }
    let start = ContinuousClock.now
    let result = body()
    let elapsed = ContinuousClock.now - start
    if entries[kind] == nil { order.append(kind) }
    entries[kind, default: Entry()].seconds += elapsed.seconds
    entries[kind, default: Entry()].flops += flops
    entries[kind, default: Entry()].calls += 1
    return result
  }

  /// Records the GEMM shape of a convolution once.
  func noteGemm(_ shape: GemmShape) {
    if !gemmShapes.contains(shape) { gemmShapes.append(shape) }
  }

  /// Clears the totals (keeps the GEMM shapes).
  func reset() {
    entries = [:]
    order = []
  }
}

/// The GEMM one convolution amounts to: `[M × K] · [K × N]`.
struct GemmShape: Equatable {
  /// Layer kind the shape belongs to.
  var kind: String
  /// Output channels.
  var m: Int
  /// Output positions.
  var n: Int
  /// Input channels × kernel volume.
  var k: Int
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (s, a) = components
    return Double(s) + Double(a) * 1e-18
  }
}
