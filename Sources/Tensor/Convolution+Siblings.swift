extension Convolution {
  /// Runs pointwise convolutions that read the same input as one pass over it: each thread takes a
  /// part of the positions and, chunk by chunk, runs every convolution on that chunk, so the input
  /// the siblings share comes from memory once instead of once per convolution. Output `i` goes to
  /// channels `channelOffsets[i]…` of `outputs[i]`; the results are the bits of running each alone.
  ///
  /// S3D-G's inception blocks open with three 1×1×1 convolutions of one input (192–832 channels);
  /// alone, the narrow ones (16–32 output channels: two or four row panels per input vector) run at
  /// 60–200 GFLOP/s on 5×20×25 maps, bound by reading the input. When one of them is not pointwise
  /// on `x`, or the GEMMs are OpenBLAS's (``columnPartsKeepTheBits``), they run one after another
  /// as usual.
  public static func runSiblings(
    _ convs: [Convolution], on x: Tensor, into outputs: inout [Tensor], channelOffsets: [Int]
  ) {
    precondition(
      outputs.count == convs.count && channelOffsets.count == convs.count,
      "Convolution.runSiblings: \(convs.count) layers, \(outputs.count) outputs, \(channelOffsets.count) offsets"
    )
    // Each layer checks the input against its own weight (rank, channels).
    let geometries = convs.map { $0.geometry(x.shape) }
    let threads = Compute.threadCount
    // Small maps of one sample go one by one: each layer then splits its channels between threads.
    guard let g = geometries.first, convs.count > 1, Self.columnPartsKeepTheBits,
      zip(convs, geometries).allSatisfy({ $0.isPointwise($1) }),
      threads == 1 || g.outputPlane >= threads * Self.siblingColumnsPerThread || g.n >= threads
    else {
      for (i, conv) in convs.enumerated() {
        conv.forward(x, into: &outputs[i], channelOffset: channelOffsets[i])
      }
      return
    }
    let plane = g.outputPlane
    var steps: [[ConvStep]] = []
    for (i, conv) in convs.enumerated() {
      var expected = conv.outputShape(for: x.shape)
      let total = outputs[i].rank > 1 ? outputs[i].shape[1] : 0
      expected[1] = total
      precondition(
        outputs[i].shape == expected && channelOffsets[i] >= 0
          && channelOffsets[i] + conv.outputChannels <= total,
        "Convolution.runSiblings: output \(outputs[i].shape) cannot hold \(conv.outputChannels) channels at "
          + "\(channelOffsets[i])")
      outputs[i].makeUnique()
      let base = outputs[i].storage.base
      steps.append(
        (0..<g.n).map {
          conv.step(
            g, x, sample: $0, output: base, outputSample: total * plane, channelOffset: channelOffsets[i],
            residual: nil)
        })
    }
    // Chunks whose input (k × columns floats) stays in L2 while every sibling reads it.
    let chunk = max(48, (Self.siblingChunkBytes / max(1, 4 * g.c)) / 48 * 48)
    let run = { (n: Int, columns: Range<Int>) in
      var a = columns.lowerBound
      while a < columns.upperBound {
        let part = a..<min(columns.upperBound, a + chunk)
        for layer in steps { layer[n].pointwise(rows: 0..<layer[n].outputChannels, columns: part) }
        a = part.upperBound
      }
    }
    if threads > 1 && plane < threads * Self.siblingColumnsPerThread {
      // Small maps of many samples (ROI tubes): a sample per worker.
      Compute.parallelFor(g.n) { run($0, 0..<plane) }
    } else {
      for n in 0..<g.n {
        Compute.splitRange(plane, align: 64, minimum: min(plane, Self.siblingColumnsPerThread)) { run(n, $0) }
      }
    }
    withExtendedLifetime((x, convs)) {}
  }

  /// Whether a GEMM over a part of the columns gives the bits of those columns in the whole: true
  /// for the package's own kernels (fp32 ``Compute/ownF32Kernel``, bf16), whose sums run in k order
  /// whatever the columns; OpenBLAS `sgemm` picks its blocking (and so its rounding) by the
  /// matrix's size, so without the own kernel the siblings run one by one.
  static var columnPartsKeepTheBits: Bool { Compute.precision == .bf16 || Compute.ownF32Kernel }

  /// Fewest positions per thread for ``runSiblings(_:on:into:channelOffsets:)`` to split a sample's
  /// positions between threads.
  static let siblingColumnsPerThread = 512

  /// Bytes of shared input per chunk of ``runSiblings(_:on:into:channelOffsets:)``.
  static let siblingChunkBytes = 512 << 10
}
