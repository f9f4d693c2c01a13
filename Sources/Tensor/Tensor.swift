/// A dense, contiguous, row-major tensor of `Float`.
///
/// Layouts: 3-D networks use NCTHW (5 dimensions), 2-D networks NCHW (4 dimensions); kernels
/// treat NCHW as NCTHW with T = 1. Storage is 64-byte aligned and shared between copies until one
/// of them is mutated (copy-on-write on the whole buffer, never per element).
public struct Tensor: Sendable {
  /// Extent of every dimension, outermost first.
  public private(set) var shape: [Int]
  /// The buffer holding `count` elements (possibly shared with other tensors).
  var storage: TensorStorage

  /// Number of elements (the product of `shape`).
  public var count: Int { storage.count }

  /// Number of dimensions.
  public var rank: Int { shape.count }

  /// A tensor of the given shape filled with `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
    self.shape = shape
    storage = TensorStorage(count: shape.reduce(1, *))
    storage.base.initialize(repeating: value, count: storage.count)
  }

  /// A tensor of the given shape holding `scalars` in row-major order.
  ///
  /// `scalars.count` must equal the product of `shape` (a programmer error otherwise).
  public init(shape: [Int], scalars: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
    let count = shape.reduce(1, *)
    precondition(
      scalars.count == count, "Tensor: \(scalars.count) scalars for shape \(shape) (\(count) expected)")
    self.shape = shape
    storage = TensorStorage(count: count)
    scalars.withUnsafeBufferPointer { storage.base.initialize(from: $0.baseAddress!, count: count) }
  }

  /// A tensor whose elements are not initialised (arbitrary values): for outputs that are written
  /// completely before they are read, such as a concatenation buffer filled by
  /// `Convolution.forward(_:into:channelOffset:)`, saving the zero fill.
  public init(uninitializedShape shape: [Int]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
    self.shape = shape
    storage = TensorStorage(count: shape.reduce(1, *))
  }

  /// The elements in row-major order (a copy).
  public var scalars: [Float] {
    Array(UnsafeBufferPointer(start: storage.base, count: count))
  }

  /// The element at a multi-dimensional index (slow; for tests and debugging).
  public subscript(_ index: Int...) -> Float {
    get { storage.base[offset(of: index)] }
    set {
      makeUnique()
      storage.base[offset(of: index)] = newValue
    }
  }

  /// Lends the elements, row-major, for reading.
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage.base, count: count))
  }

  /// Lends the elements, row-major, for writing (copies the buffer first if it is shared).
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    makeUnique()
    return try body(UnsafeMutableBufferPointer(start: storage.base, count: count))
  }

  /// The same elements viewed with another shape of equal element count (no copy).
  public func reshaped(_ newShape: [Int]) -> Tensor {
    precondition(
      newShape.reduce(1, *) == count, "Tensor.reshaped: \(shape) has \(count) elements, not \(newShape)")
    var result = self
    result.shape = newShape
    return result
  }

  /// Copies the buffer if another tensor shares it.
  mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) {
      let copy = TensorStorage(count: count)
      copy.base.initialize(from: storage.base, count: count)
      storage = copy
    }
  }

  /// Row-major offset of a full index.
  private func offset(of index: [Int]) -> Int {
    precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
    var offset = 0
    for (i, extent) in zip(index, shape) {
      precondition(i >= 0 && i < extent, "Tensor: index \(index) out of bounds for shape \(shape)")
      offset = offset * extent + i
    }
    return offset
  }
}

/// A 64-byte aligned `Float` buffer owned by one or more tensors.
///
/// Large buffers come from and return to `BufferPool`, so a network run reuses the pages of the
/// previous run instead of faulting in fresh ones.
final class TensorStorage: @unchecked Sendable {
  /// First element.
  let base: UnsafeMutablePointer<Float>
  /// Number of elements.
  let count: Int

  /// Allocates `count` uninitialised elements.
  init(count: Int) {
    self.count = count
    base = BufferPool.shared.take(bytes: max(count, 1) * MemoryLayout<Float>.stride)
      .bindMemory(to: Float.self, capacity: max(count, 1))
  }

  deinit {
    BufferPool.shared.give(UnsafeMutableRawPointer(base), bytes: max(count, 1) * MemoryLayout<Float>.stride)
  }
}
