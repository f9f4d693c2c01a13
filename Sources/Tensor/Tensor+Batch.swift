/// Batches along dimension 0: stacking samples into one batch tensor and taking one sample out.
extension Tensor {
  /// Concatenates tensors `[n_i, ...]` along dimension 0 (the batch); the other extents must match.
  /// One tensor is returned as it is.
  public static func concatenatingBatches(_ parts: [Tensor]) -> Tensor {
    precondition(!parts.isEmpty, "concatenatingBatches: no tensors")
    if parts.count == 1 { return parts[0] }
    let rest = Array(parts[0].shape.dropFirst())
    precondition(!parts[0].shape.isEmpty, "concatenatingBatches: a scalar has no batch dimension")
    for p in parts {
      precondition(
        Array(p.shape.dropFirst()) == rest && !p.shape.isEmpty,
        "concatenatingBatches: shapes \(parts[0].shape) and \(p.shape) differ beyond the batch")
    }
    let y = Tensor(uninitializedShape: [parts.reduce(0) { $0 + $1.shape[0] }] + rest)
    var offset = 0
    for p in parts {
      (y.storage.base + offset).update(from: p.storage.base, count: p.count)
      offset += p.count
    }
    return y
  }

  /// Sample `index` of the batch `[n, ...]`, as `[1, ...]` (a copy; a batch of one is itself).
  public func batchItem(_ index: Int) -> Tensor {
    precondition(rank >= 1 && (0..<shape[0]).contains(index), "batchItem: \(index) of \(shape)")
    if shape[0] == 1 { return self }
    let size = count / shape[0]
    let y = Tensor(uninitializedShape: [1] + shape.dropFirst())
    y.storage.base.update(from: storage.base + index * size, count: size)
    return y
  }
}
