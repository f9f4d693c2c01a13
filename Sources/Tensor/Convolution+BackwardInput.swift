/// dL/dx: the flipped stride-1 convolution of `dy`, tap GEMMs for strided temporal kernels, or
/// `Wᵀ · dY` and col2im.
extension Convolution {
  /// dL/dx, shape `inputShape`.
  func inputGradient(_ inputShape: [Int], _ dy: Tensor, _ g: ConvGeometry, forceWinograd: Bool) -> Tensor {
    var dX = Tensor(uninitializedShape: inputShape)
    if let pads = flippedPadding(g) {
      let flipped = flippedConvolution(padding: pads)
      precondition(
        flipped.outputShape(for: dy.shape) == inputShape,
        "Convolution.backward: flipped convolution gives \(flipped.outputShape(for: dy.shape)), \(inputShape) expected"
      )
      flipped.run(dy, into: &dX, channelOffset: 0, residual: nil, forceWinograd: forceWinograd)
    } else if isTemporal(g) {
      temporalInputGradient(dy, g, into: &dX)
    } else {
      columnInputGradient(dy, g, into: &dX)
    }
    return dX
  }

  /// k×1×1 with unit spatial stride: per input frame, `dX[:, ti] = Σ W_dtᵀ · dY[:, to]` over the
  /// (tap, output frame) pairs that read it, on the tensors as they are; the positions (of all
  /// samples) are split between the workers, which write disjoint columns.
  func temporalInputGradient(_ dy: Tensor, _ g: ConvGeometry, into dX: inout Tensor) {
    let (o, c, kt) = (outputChannels, g.c, g.t.kernel)
    let hw = g.h.input * g.w.input
    let (taps, grad, dst) = (
      UnsafePointer(temporalTaps!.storage.base), UnsafePointer(dy.storage.base), dX.storage.base
    )
    Compute.splitRange(g.n * hw, align: 16, minimum: 256) { range in
      Self.forEachSample(range, plane: hw) { n, columns in
        let source = grad + n * o * g.outputPlane + columns.lowerBound
        let target = dst + n * c * g.inputPlane + columns.lowerBound
        for ti in 0..<g.t.input {
          var beta: Float = 0
          for dt in 0..<kt {
            // Output frame `to` reads input frame `to · stride + dt − padBefore`.
            let offset = ti + g.t.padBefore - dt
            guard offset >= 0 && offset % g.t.stride == 0 && offset / g.t.stride < g.t.output else {
              continue
            }
            let to = offset / g.t.stride
            Compute.serialGemm(
              m: c, n: columns.count, k: o, a: taps + dt * o * c, lda: c, transposeA: true,
              b: source + to * hw, ldb: g.outputPlane, transposeB: false, beta: beta, c: target + ti * hw,
              ldc: g.inputPlane)
            beta = 1
          }
          if beta == 0 {
            for ch in 0..<c {
              (target + ch * g.inputPlane + ti * hw).update(repeating: 0, count: columns.count)
            }
          }
        }
      }
    }
    withExtendedLifetime((dy, temporalTaps)) {}
  }

  /// General kernels: per chunk of output rows, `cols = W[:, channels]ᵀ · dY_chunk`, then col2im
  /// adds it into dX. The workers own disjoint input channels (race-free scatter).
  func columnInputGradient(_ dy: Tensor, _ g: ConvGeometry, into dX: inout Tensor) {
    let o = outputChannels
    let taps = g.t.kernel * g.h.kernel * g.w.kernel
    let kk = g.c * taps
    let wo = g.w.output
    let lines = g.t.output * g.h.output
    let minimumLines = (Self.minimumColumns + wo - 1) / wo
    let (w, grad, dst) = (UnsafePointer(weight.storage.base), UnsafePointer(dy.storage.base), dX.storage.base)
    Compute.splitRange(g.c, align: 1, minimum: 1, partsPerThread: 1) { channels in
      let rows = channels.count * taps
      let perLine = rows * wo * MemoryLayout<Float>.stride
      let linesPerChunk = min(lines, max(minimumLines, Self.im2colBudget / max(perLine, 1), 1))
      let scratch = TensorStorage(count: rows * wo * linesPerChunk)
      for n in 0..<g.n {
        let target = dst + n * g.c * g.inputPlane
        (target + channels.lowerBound * g.inputPlane).update(
          repeating: 0, count: channels.count * g.inputPlane)
        var u0 = 0
        while u0 < lines {
          let part = u0..<min(lines, u0 + linesPerChunk)
          let count = part.count * wo
          Compute.serialGemm(
            m: rows, n: count, k: o, a: w + channels.lowerBound * taps, lda: kk, transposeA: true,
            b: grad + n * o * g.outputPlane + u0 * wo, ldb: g.outputPlane, transposeB: false, beta: 0,
            c: scratch.base, ldc: count)
          Col2im.add(scratch.base, g, into: target, channels: channels, lines: part)
          u0 = part.upperBound
        }
      }
      withExtendedLifetime(scratch) {}
    }
    withExtendedLifetime((dy, weight)) {}
  }
}
