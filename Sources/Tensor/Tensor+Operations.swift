/// Element-wise operations, channel concatenation and global pooling.
extension Tensor {
  /// `max(x, 0)` element-wise.
  public func relu() -> Tensor {
    var y = self
    y.formRelu()
    return y
  }

  /// Replaces every element by `max(x, 0)`.
  public mutating func formRelu() {
    let n = count
    withUnsafeMutableBufferPointer { p in
      let box = UncheckedSendable(p.baseAddress!)
      let chunks = Swift.max(1, Swift.min(Compute.threadCount, n / 65536))
      Compute.parallelFor(chunks) { c in
        let base = box.value
        for i in (n * c / chunks)..<(n * (c + 1) / chunks) { base[i] = Swift.max(base[i], 0) }
      }
    }
  }

  /// Element-wise sum of two tensors of the same shape.
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    precondition(lhs.shape == rhs.shape, "Tensor +: shapes \(lhs.shape) and \(rhs.shape) differ")
    var y = lhs
    y.withUnsafeMutableBufferPointer { p in
      rhs.withUnsafeBufferPointer { r in
        for i in 0..<p.count { p[i] += r[i] }
      }
    }
    return y
  }

  /// Concatenates tensors `[n, c_i, ...]` along dimension 1 (channels); all other extents must match.
  public static func concatenateChannels(_ parts: [Tensor]) -> Tensor {
    precondition(!parts.isEmpty, "concatenateChannels: no tensors")
    let first = parts[0].shape
    precondition(first.count >= 2, "concatenateChannels: shape \(first) has no channel dimension")
    for p in parts {
      var s = p.shape
      precondition(s.count == first.count, "concatenateChannels: shapes \(first) and \(s)")
      s[1] = first[1]
      precondition(s == first, "concatenateChannels: shapes \(first) and \(p.shape) differ beyond channels")
    }
    var shape = first
    shape[1] = parts.reduce(0) { $0 + $1.shape[1] }
    let plane = first[2...].reduce(1, *)
    let y = Tensor(uninitializedShape: shape)
    let dst = y.storage.base
    for n in 0..<first[0] {
      var offset = n * shape[1] * plane
      for p in parts {
        let size = p.shape[1] * plane
        (dst + offset).update(from: p.storage.base + n * size, count: size)
        offset += size
      }
    }
    return y
  }

  /// Writes `source` `[n, k, ...]` into channels `channelOffset ..< channelOffset + k` of this
  /// tensor, whose other extents must match (the copying form of a layer's `forward(_:into:channelOffset:)`).
  public mutating func copyChannels(from source: Tensor, channelOffset: Int) {
    var expected = shape
    precondition(
      source.rank == rank && rank >= 2 && channelOffset >= 0 && channelOffset + source.shape[1] <= shape[1],
      "copyChannels: \(source.shape) at channel \(channelOffset) into \(shape)")
    expected[1] = source.shape[1]
    precondition(
      expected == source.shape, "copyChannels: \(source.shape) into \(shape) differ beyond channels")
    let plane = shape[2...].reduce(1, *)
    let (batch, channels, size) = (shape[0], shape[1], source.shape[1] * plane)
    withUnsafeMutableBufferPointer { dst in
      for n in 0..<batch {
        (dst.baseAddress! + (n * channels + channelOffset) * plane).update(
          from: source.storage.base + n * size, count: size)
      }
    }
    withExtendedLifetime(source) {}
  }

  /// Mean over every dimension after the channel one: `[n, c, ...]` → `[n, c]`.
  public func globalMean() -> Tensor {
    precondition(rank >= 2, "globalMean: shape \(shape) has no channel dimension")
    let rows = shape[0] * shape[1]
    let plane = count / Swift.max(rows, 1)
    let y = Tensor(uninitializedShape: [shape[0], shape[1]])
    let box = UncheckedSendable((storage.base, y.storage.base))
    Compute.parallelFor(rows) { r in
      let (src, dst) = box.value
      dst[r] = Reduce.sum(src + r * plane, count: plane) / Float(Swift.max(plane, 1))
    }
    withExtendedLifetime(self) {}
    return y
  }
}

/// Vectorised reductions.
enum Reduce {
  /// Sum of `count` floats, accumulated in 4 × `SIMD16` lanes.
  @inline(__always)
  static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var a0 = SIMD16<Float>()
    var a1 = SIMD16<Float>()
    var a2 = SIMD16<Float>()
    var a3 = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 64 <= count {
      a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
      a1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
      a2 += raw.loadUnaligned(fromByteOffset: (i + 32) * 4, as: SIMD16<Float>.self)
      a3 += raw.loadUnaligned(fromByteOffset: (i + 48) * 4, as: SIMD16<Float>.self)
      i += 64
    }
    var s = ((a0 + a1) + (a2 + a3)).sum()
    while i < count {
      s += p[i]
      i += 1
    }
    return s
  }
}
