import RealModule

/// Training losses: each returns its value and its gradient with respect to the prediction in one call.
///
/// Every loss is a weighted sum of per-term losses `Σ wᵢ · ℓᵢ` (a term is a row for the softmax loss,
/// an element for the others; missing weights are 1). ``Reduction/mean`` divides value and gradient
/// by `Σ wᵢ`, the total weight (so with 0/1 weights: by the number of counted terms, PyTorch's
/// weighted `mean`); when the total weight is 0 both are 0. For another normaliser (e.g. the number
/// of sampled anchors for a box loss), use ``Reduction/sum`` and divide the value and
/// `gradient.scale(by:)` yourself. Values are accumulated in `Double`.
public enum Loss {
  /// How the per-term losses are combined.
  public enum Reduction: Sendable {
    /// `Σ wᵢ · ℓᵢ`.
    case sum
    /// `Σ wᵢ · ℓᵢ / Σ wᵢ` (0 when `Σ wᵢ = 0`).
    case mean
  }

  /// Softmax cross-entropy of `logits` `[n, k]` against class indices `labels` (`n` of them).
  ///
  /// Row loss `logsumexp(z) − z[label]`, computed with the row maximum subtracted (finite for any
  /// finite logits); gradient `w · (softmax(z) − onehot(label))`. A row with weight 0 is ignored and
  /// its label may be anything (e.g. −1); every other label must be in `0..<k`.
  public static func softmaxCrossEntropy(
    logits: Tensor, labels: [Int], weights: [Float]? = nil, reduction: Reduction = .mean
  ) -> (value: Float, gradient: Tensor) {
    precondition(logits.rank == 2, "softmaxCrossEntropy: logits \(logits.shape), [n, k] expected")
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == n, "softmaxCrossEntropy: \(labels.count) labels for \(n) rows")
    if let weights {
      precondition(weights.count == n, "softmaxCrossEntropy: \(weights.count) weights, \(n) rows")
    }
    var gradient = Tensor(shape: [n, k])
    var total = 0.0
    var totalWeight = 0.0
    let z = logits.storage.base
    gradient.withUnsafeMutableBufferPointer { g in
      for r in 0..<n {
        let w = weights?[r] ?? 1
        if w == 0 { continue }
        let label = labels[r]
        precondition(label >= 0 && label < k, "softmaxCrossEntropy: label \(label) of row \(r), \(k) classes")
        let row = z + r * k
        let out = g.baseAddress! + r * k
        var m = -Float.infinity
        for j in 0..<k { m = max(m, row[j]) }
        var s: Float = 0
        for j in 0..<k {
          let e = Float.exp(row[j] - m)
          out[j] = e
          s += e
        }
        let logSum = m + Float.log(s)
        total += Double(w) * Double(logSum - row[label])
        totalWeight += Double(w)
        let scale = w / s
        for j in 0..<k { out[j] *= scale }
        out[label] -= w
      }
    }
    withExtendedLifetime(logits) {}
    return finish(value: total, totalWeight: totalWeight, gradient: &gradient, reduction: reduction)
  }

  /// Sigmoid binary cross-entropy with logits; `targets` in `[0, 1]` and optional per-element
  /// `weights` of the logits' shape.
  ///
  /// Element loss `max(z, 0) − z·t + log(1 + exp(−|z|))` (stable for any finite `z`); gradient
  /// `w · (sigmoid(z) − t)`.
  public static func sigmoidCrossEntropy(
    logits: Tensor, targets: Tensor, weights: Tensor? = nil, reduction: Reduction = .mean
  ) -> (value: Float, gradient: Tensor) {
    precondition(
      logits.shape == targets.shape, "sigmoidCrossEntropy: logits \(logits.shape), targets \(targets.shape)")
    if let weights {
      precondition(
        weights.shape == logits.shape, "sigmoidCrossEntropy: weights \(weights.shape), logits \(logits.shape)"
      )
    }
    var gradient = Tensor(uninitializedShape: logits.shape)
    var total = 0.0
    var totalWeight = 0.0
    let (z, t, wp) = (logits.storage.base, targets.storage.base, weights?.storage.base)
    gradient.withUnsafeMutableBufferPointer { g in
      for i in 0..<logits.count {
        let w = wp?[i] ?? 1
        let x = z[i]
        let e = Float.exp(-abs(x))
        let sigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e)
        let value = max(x, 0) - x * t[i] + Float.log(onePlus: e)
        total += Double(w) * Double(value)
        totalWeight += Double(w)
        g[i] = w * (sigmoid - t[i])
      }
    }
    withExtendedLifetime((logits, targets, weights)) {}
    return finish(value: total, totalWeight: totalWeight, gradient: &gradient, reduction: reduction)
  }

  /// Smooth-L1 (Huber) loss of `prediction − target` with transition `beta`; optional per-element
  /// `weights` of the prediction's shape.
  ///
  /// Element loss `0.5·d²/beta` if `|d| < beta`, else `|d| − 0.5·beta` (`beta` 1/9 in torchvision's
  /// RPN, 1 in the TF OD API; 0 gives plain L1); gradient `w · d/beta` or `w · sign(d)`.
  public static func smoothL1(
    prediction: Tensor, target: Tensor, beta: Float, weights: Tensor? = nil, reduction: Reduction = .sum
  ) -> (value: Float, gradient: Tensor) {
    precondition(
      prediction.shape == target.shape, "smoothL1: prediction \(prediction.shape), target \(target.shape)")
    precondition(beta >= 0, "smoothL1: beta \(beta) must be >= 0")
    if let weights {
      precondition(
        weights.shape == prediction.shape,
        "smoothL1: weights \(weights.shape), prediction \(prediction.shape)")
    }
    var gradient = Tensor(uninitializedShape: prediction.shape)
    var total = 0.0
    var totalWeight = 0.0
    let (p, t, wp) = (prediction.storage.base, target.storage.base, weights?.storage.base)
    gradient.withUnsafeMutableBufferPointer { g in
      for i in 0..<prediction.count {
        let w = wp?[i] ?? 1
        let d = p[i] - t[i]
        let a = abs(d)
        let value: Float
        if a < beta {
          value = 0.5 * d * d / beta
          g[i] = w * d / beta
        } else {
          value = a - 0.5 * beta
          g[i] = d > 0 ? w : (d < 0 ? -w : 0)
        }
        total += Double(w) * Double(value)
        totalWeight += Double(w)
      }
    }
    withExtendedLifetime((prediction, target, weights)) {}
    return finish(value: total, totalWeight: totalWeight, gradient: &gradient, reduction: reduction)
  }

  /// Applies the reduction to a summed value and its gradient.
  private static func finish(
    value: Double, totalWeight: Double, gradient: inout Tensor, reduction: Reduction
  ) -> (value: Float, gradient: Tensor) {
    guard case .mean = reduction else { return (Float(value), gradient) }
    if totalWeight == 0 {
      gradient.scale(by: 0)
      return (0, gradient)
    }
    gradient.scale(by: Float(1 / totalWeight))
    return (Float(value / totalWeight), gradient)
  }
}
