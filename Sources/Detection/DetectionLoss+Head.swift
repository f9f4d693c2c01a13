import Tensor

extension DetectionLoss {
  /// Second-stage losses of the head's outputs on `targets.rois`.
  ///
  /// `classLogits` is `[R, classes + 1]` (softmax, column 0 background, class `k` at `k + 1`) or
  /// `[R, classes]` (sigmoid); `boxDeltas` is `[R, 4 · classes]`, class `k` at columns `4k ..< 4k + 4`
  /// (``BoxHead``'s `classifier` and `boxes` layouts). Classification: every ROI (softmax label
  /// ``ProposalTargets/softmaxLabels``, or multi-hot ``ProposalTargets/classes`` summed over classes);
  /// localization: the deltas of each foreground ROI's first class.
  public static func head(
    classLogits: Tensor, boxDeltas: Tensor, targets: ProposalTargets,
    configuration: HeadTrainingConfiguration = HeadTrainingConfiguration()
  ) -> StageLoss {
    let r = targets.rois.count
    precondition(
      boxDeltas.rank == 2 && boxDeltas.shape[0] == r && boxDeltas.shape[1] % 4 == 0,
      "DetectionLoss.head: boxDeltas \(boxDeltas.shape) for \(r) ROIs, [R, 4 · classes] expected")
    let classes = boxDeltas.shape[1] / 4
    let columns = configuration.scoring == .softmax ? classes + 1 : classes
    precondition(
      classLogits.shape == [r, columns],
      "DetectionLoss.head: classLogits \(classLogits.shape), [\(r), \(columns)] expected (\(configuration.scoring))"
    )
    let normaliser = Float(max(r, 1))

    var (value, classificationGradient): (Float, Tensor)
    switch configuration.scoring {
    case .softmax:
      (value, classificationGradient) = Loss.softmaxCrossEntropy(
        logits: classLogits, labels: targets.softmaxLabels, reduction: .sum)
    case .sigmoid:
      var multiHot = [Float](repeating: 0, count: r * classes)
      for (row, list) in targets.classes.enumerated() {
        for k in list {
          precondition(
            k >= 0 && k < classes, "DetectionLoss.head: class \(k) of ROI \(row), \(classes) classes")
          multiHot[row * classes + k] = 1
        }
      }
      (value, classificationGradient) = Loss.sigmoidCrossEntropy(
        logits: classLogits, targets: Tensor(shape: [r, classes], scalars: multiHot), reduction: .sum)
    }
    let classification = value / normaliser
    classificationGradient.scale(by: configuration.classificationWeight / normaliser)

    // Foreground ROIs and the columns of their first class's deltas.
    let foreground = targets.classes.indices.compactMap { row in
      targets.classes[row].first.map { (row: row, column: 4 * $0) }
    }
    let d = boxDeltas.scalars
    let prediction = Tensor(
      shape: [foreground.count, 4],
      scalars: foreground.flatMap { f in (0..<4).map { d[f.row * 4 * classes + f.column + $0] } })
    let target = Tensor(
      shape: [foreground.count, 4],
      scalars: foreground.flatMap { f in (0..<4).map { targets.regressionTargets[f.row][$0] } })
    let (locValue, locGradient) = Loss.smoothL1(
      prediction: prediction, target: target, beta: configuration.smoothL1Beta, reduction: .sum)
    var deltasGradient = Tensor(shape: boxDeltas.shape)
    let scale = configuration.localizationWeight / normaliser
    let lg = locGradient.scalars
    deltasGradient.withUnsafeMutableBufferPointer { out in
      for (k, f) in foreground.enumerated() {
        for c in 0..<4 { out[f.row * 4 * classes + f.column + c] = scale * lg[4 * k + c] }
      }
    }
    let localization = locValue / normaliser
    return StageLoss(
      classification: classification, localization: localization,
      total: configuration.classificationWeight * classification + configuration.localizationWeight
        * localization,
      classificationGradient: classificationGradient, localizationGradient: deltasGradient)
  }
}
