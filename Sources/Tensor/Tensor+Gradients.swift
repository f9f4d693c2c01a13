/// Element-wise backward passes and gradient bookkeeping: ReLU / ReLU6, global mean, channel split,
/// accumulation and scaling.
extension Tensor {
  /// `min(max(x, 0), 6)` element-wise (MobileNet's ReLU6).
  public func relu6() -> Tensor {
    var y = self
    let n = count
    y.withUnsafeMutableBufferPointer { p in
      let box = UncheckedSendable(p.baseAddress!)
      Elementwise.forEachChunk(n) { range in
        let base = box.value
        for i in range { base[i] = Swift.min(Swift.max(base[i], 0), 6) }
      }
    }
    return y
  }

  /// dL/dx of `y = relu(x)` from the output: `dy` where `y > 0`, else 0.
  ///
  /// Needs only the forward's output, so the input can be overwritten in place (`formRelu`).
  public static func reluBackward(output y: Tensor, outputGradient dy: Tensor) -> Tensor {
    precondition(y.shape == dy.shape, "reluBackward: output \(y.shape), gradient \(dy.shape)")
    // Out of place, in one pass: `dy` is usually still held by the caller, so an in-place pass
    // would first copy it.
    let dx = Tensor(uninitializedShape: dy.shape)
    let box = UncheckedSendable((y.storage.base, dy.storage.base, dx.storage.base))
    Elementwise.forEachChunk(dx.count) { range in
      let (y, dy, g) = box.value
      for i in range { g[i] = y[i] > 0 ? dy[i] : 0 }
    }
    withExtendedLifetime((y, dy)) {}
    return dx
  }

  /// dL/dx of `y = relu6(x)` from the output: `dy` where `0 < y < 6`, else 0.
  public static func relu6Backward(output y: Tensor, outputGradient dy: Tensor) -> Tensor {
    precondition(y.shape == dy.shape, "relu6Backward: output \(y.shape), gradient \(dy.shape)")
    // Out of place, in one pass: `dy` is usually still held by the caller, so an in-place pass
    // would first copy it.
    let dx = Tensor(uninitializedShape: dy.shape)
    let box = UncheckedSendable((y.storage.base, dy.storage.base, dx.storage.base))
    Elementwise.forEachChunk(dx.count) { range in
      let (y, dy, g) = box.value
      for i in range { g[i] = y[i] > 0 && y[i] < 6 ? dy[i] : 0 }
    }
    withExtendedLifetime((y, dy)) {}
    return dx
  }

  /// dL/dx of `globalMean()`: `dy` `[n, c]` broadcast over each plane, divided by the plane size.
  ///
  /// Needs only the forward's input shape.
  public static func globalMeanBackward(outputGradient dy: Tensor, inputShape: [Int]) -> Tensor {
    precondition(
      inputShape.count >= 2 && dy.shape == [inputShape[0], inputShape[1]],
      "globalMeanBackward: gradient \(dy.shape) for input \(inputShape)")
    let rows = inputShape[0] * inputShape[1]
    let plane = inputShape.dropFirst(2).reduce(1, *)
    let dx = Tensor(uninitializedShape: inputShape)
    let scale = 1 / Float(Swift.max(plane, 1))
    let box = UncheckedSendable((dy.storage.base, dx.storage.base))
    Compute.parallelFor(rows) { r in
      let (g, d) = box.value
      (d + r * plane).update(repeating: g[r] * scale, count: plane)
    }
    withExtendedLifetime(dy) {}
    return dx
  }

  /// Splits `[n, c, ...]` into channel slices of the given widths (the backward of
  /// `concatenateChannels`); the widths must add up to `c`.
  public func splitChannels(_ widths: [Int]) -> [Tensor] {
    precondition(rank >= 2, "splitChannels: shape \(shape) has no channel dimension")
    precondition(
      widths.allSatisfy { $0 >= 0 } && widths.reduce(0, +) == shape[1],
      "splitChannels: widths \(widths) do not add up to \(shape[1]) channels")
    let plane = shape.dropFirst(2).reduce(1, *)
    let total = shape[1]
    var offset = 0
    var parts: [Tensor] = []
    for width in widths {
      var partShape = shape
      partShape[1] = width
      let part = Tensor(uninitializedShape: partShape)
      for n in 0..<shape[0] {
        (part.storage.base + n * width * plane).update(
          from: storage.base + (n * total + offset) * plane, count: width * plane)
      }
      parts.append(part)
      offset += width
    }
    withExtendedLifetime(self) {}
    return parts
  }

  /// Adds `rhs` to `lhs` element-wise in place (gradient accumulation); the shapes must match.
  public static func += (lhs: inout Tensor, rhs: Tensor) {
    precondition(lhs.shape == rhs.shape, "Tensor +=: shapes \(lhs.shape) and \(rhs.shape) differ")
    let n = lhs.count
    lhs.withUnsafeMutableBufferPointer { p in
      let box = UncheckedSendable((p.baseAddress!, rhs.storage.base))
      Elementwise.forEachChunk(n) { range in
        let (a, b) = box.value
        for i in range { a[i] += b[i] }
      }
    }
    withExtendedLifetime(rhs) {}
  }

  /// Multiplies every element by `s` in place.
  public mutating func scale(by s: Float) {
    let n = count
    withUnsafeMutableBufferPointer { p in
      let box = UncheckedSendable(p.baseAddress!)
      Elementwise.forEachChunk(n) { range in
        let a = box.value
        for i in range { a[i] *= s }
      }
    }
  }
}

/// Splitting of flat element-wise loops between threads.
enum Elementwise {
  /// Runs `body` on contiguous parts of `0..<count`: one part below 64 Ki elements, else up to
  /// one per thread (as `formRelu`).
  static func forEachChunk(_ count: Int, _ body: (Range<Int>) -> Void) {
    let chunks = max(1, min(Compute.threadCount, count / 65536))
    if chunks == 1 {
      body(0..<count)
      return
    }
    Compute.parallelFor(chunks) { c in body((count * c / chunks)..<(count * (c + 1) / chunks)) }
  }
}
