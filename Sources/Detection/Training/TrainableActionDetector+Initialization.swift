import Networks
import Primitives
import Tensor

extension WeightStore {
  /// Seeded from-scratch weights for a whole detector: ``seededInitialization(seed:standardDeviation:)``
  /// with the detection layers started small, as Detectron starts them: the RPN's convolutions and
  /// the head's class scores with standard deviation 0.01, the head's box deltas with 0.001 (He
  /// bounds there would give proposals and scores far from anything, and saturate the RPN's ReLU6).
  public static func detectorInitialization(seed: UInt64) -> WeightStore {
    seededInitialization(seed: seed) { name in
      if name.hasPrefix("rpn.") { return 0.01 }
      if name == "head.classifier.weight" { return 0.01 }
      if name == "head.boxes.weight" { return 0.001 }
      return nil
    }
  }
}

extension TrainableActionDetector {
  /// Data-dependent batch-norm statistics: sets every batch norm's running statistics to the mean
  /// and variance of its input over `samples` (each layer seeing the previous ones normalised by the
  /// sample's own statistics). Before step 1 of a from-scratch run, every layer then starts with
  /// zero-mean, unit-variance outputs instead of the growth of seeded weights through 13 residual
  /// blocks (LSUV, Mishkin & Matas 2016, with batch norm's own affine map as the rescaling); during
  /// a run with frozen batch norm, repeating it keeps the statistics in step with the weights
  /// (PreciseBN, Wu & Johnson 2021).
  ///
  /// Runs the trunks and the head in training mode on each sample, the head on the ground-truth boxes,
  /// the four quadrants of the frame and the RPN's current proposals (what the head sees in training
  /// and in `detect`). The statistics are those of the whole population: the mean of the samples'
  /// means, and the mean of their variances plus the variance of their means (so that what tells one
  /// sample from another, such as its action, is not normalised away). Restores each batch norm's
  /// mode and momentum. Learns nothing.
  public func calibrateBatchNorms(on samples: [DetectorTrainingSample]) {
    let norms = batchNorms
    let saved = norms.map { ($0.mode, $0.momentum) }
    defer {
      for (bn, (mode, momentum)) in zip(norms, saved) {
        bn.mode = mode
        bn.momentum = momentum
      }
    }
    guard !samples.isEmpty else { return }
    for bn in norms {
      bn.mode = .training
      bn.momentum = 1
    }
    let (w, h) = (Float(configuration.inputWidth), Float(configuration.inputHeight))
    let quadrants = [
      Box(x1: 0, y1: 0, x2: w / 2, y2: h / 2), Box(x1: w / 2, y1: 0, x2: w, y2: h / 2),
      Box(x1: 0, y1: h / 2, x2: w / 2, y2: h), Box(x1: w / 2, y1: h / 2, x2: w, y2: h),
    ]
    var sums = norms.map { [Double](repeating: 0, count: 2 * $0.channels) }
    for sample in samples {
      let feature = keyframe.stages.forward(keyframeNormalization(sample.keyframe))
      keyframe.stages.forgetActivations()
      let (objectness, deltas) = rpn.forward(feature)
      rpn.forgetActivations()
      let proposals = RegionProposalNetwork.proposals(
        objectness: objectness, deltas: deltas, configuration: configuration.rpn,
        imageWidth: configuration.inputWidth, imageHeight: configuration.inputHeight
      ).boxes
      let mixed4e = context.stages.forward(contextNormalization(sample.clip))
      context.stages.forgetActivations()
      _ = head.forward(mixed4e: mixed4e, rois: sample.boxes.map(\.box) + quadrants + proposals)
      head.forgetActivations()
      // Momentum 1: each layer's running statistics are this sample's.
      for (n, bn) in norms.enumerated() {
        let (mean, variance) = (bn.runningMean.scalars, bn.runningVariance.scalars)
        for c in 0..<bn.channels {
          sums[n][c] += Double(mean[c])
          sums[n][bn.channels + c] += Double(variance[c]) + Double(mean[c]) * Double(mean[c])
        }
      }
    }
    let count = Double(samples.count)
    for (n, bn) in norms.enumerated() {
      let c = bn.channels
      let mean = (0..<c).map { sums[n][$0] / count }
      let variance = (0..<c).map { max(sums[n][c + $0] / count - mean[$0] * mean[$0], 0) }
      bn.setRunningStatistics(
        mean: Tensor(shape: [c], scalars: mean.map { Float($0) }),
        variance: Tensor(shape: [c], scalars: variance.map { Float($0) }))
    }
  }
}
