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
  /// Data-dependent start for a from-scratch run: sets every batch norm's running statistics to the
  /// mean and variance of its input over `samples` (each layer seeing the previous ones already
  /// normalised), so that with frozen batch norm every layer starts with zero-mean, unit-variance
  /// outputs instead of the growth of seeded weights through 13 residual blocks (LSUV, Mishkin &
  /// Matas 2016, with batch norm's own affine map as the rescaling).
  ///
  /// Runs the trunks and the head in training mode on each sample (the head on the ground-truth
  /// boxes and the four quadrants of the frame) with the running averages weighted `1/k` (a plain
  /// mean over the samples), then restores each batch norm's mode and momentum. Learns nothing.
  public func calibrateBatchNorms(on samples: [DetectorTrainingSample]) {
    let norms = batchNorms
    let saved = norms.map { ($0.mode, $0.momentum) }
    defer {
      for (bn, (mode, momentum)) in zip(norms, saved) {
        bn.mode = mode
        bn.momentum = momentum
      }
    }
    for bn in norms { bn.mode = .training }
    let (w, h) = (Float(configuration.inputWidth), Float(configuration.inputHeight))
    let quadrants = [
      Box(x1: 0, y1: 0, x2: w / 2, y2: h / 2), Box(x1: w / 2, y1: 0, x2: w, y2: h / 2),
      Box(x1: 0, y1: h / 2, x2: w / 2, y2: h), Box(x1: w / 2, y1: h / 2, x2: w, y2: h),
    ]
    for (k, sample) in samples.enumerated() {
      for bn in norms { bn.momentum = 1 / Float(k + 1) }
      _ = keyframe.stages.forward(keyframeNormalization(sample.keyframe))
      keyframe.stages.forgetActivations()
      let mixed4e = context.stages.forward(contextNormalization(sample.clip))
      context.stages.forgetActivations()
      _ = head.forward(mixed4e: mixed4e, rois: sample.boxes.map(\.box) + quadrants)
      head.forgetActivations()
    }
  }
}
