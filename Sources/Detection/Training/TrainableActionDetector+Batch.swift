import Networks
import Primitives
import Tensor

extension TrainableActionDetector {
  /// Forward, losses and backward of a batch whose trunks run as one; gradients add to the
  /// parameters' (call ``zeroGradients()`` once per step). Returns each sample's losses.
  ///
  /// The keyframes `[n, 3, H, W]` go through ResNet-50 → RPN → RPN loss (anchor targets); proposals
  /// from the RPN's own outputs (constants); ROI targets sampled from proposals + ground truth; the
  /// clips `[n, 3, T, H, W]` through S3D-G → `Mixed_4e` → head on each sample's ROIs → head loss;
  /// backward through the head, the S3D-G trunk (when it learns), the RPN and the ResNet-50 trunk
  /// (when it learns). Each trunk runs once for the whole batch, so batch norms in
  /// ``BatchNormMode/training`` normalise with statistics over all `n` samples (a batch of clips, as
  /// in the paper's training); the RPN, the sampling and the head run per sample, each with its own
  /// `orders[i]`. With frozen batch norms the result is the per-sample calls' (up to summation order).
  public func accumulateGradients(batch samples: [DetectorTrainingSample], orders: inout [SampleOrder])
    -> [DetectorLosses]
  {
    precondition(!samples.isEmpty && orders.count == samples.count, "accumulateGradients(batch:): sizes")
    let (width, height) = (Float(configuration.inputWidth), Float(configuration.inputHeight))
    var losses = [DetectorLosses](repeating: DetectorLosses(), count: samples.count)
    let keyframeLearns = keyframe.stages.hasTrainableParameters
    let rpnLearns = rpn.parameters.contains { !$0.isFrozen } || keyframeLearns
    let features = keyframe.stages.forward(
      keyframeNormalization(Tensor.concatenatingBatches(samples.map(\.keyframe))))
    var dFeatures: [Tensor] = []
    var targets: [ProposalTargets] = []
    for (i, sample) in samples.enumerated() {
      let feature = features.batchItem(i)
      let (objectness, deltas) = rpn.forward(feature)
      let anchors = configuration.rpn.anchors.anchors(
        featureHeight: feature.shape[2], featureWidth: feature.shape[3])
      let (rpnLoss, _) = DetectionLoss.rpn(
        objectness: objectness, deltas: deltas, anchors: anchors, groundTruth: sample.boxes.map(\.box),
        imageWidth: width, imageHeight: height, configuration: rpnTraining, order: &orders[i])
      losses[i].rpnObjectness = rpnLoss.classification * rpnTraining.objectnessWeight
      losses[i].rpnLocalization = rpnLoss.localization * rpnTraining.localizationWeight
      let proposals = RegionProposalNetwork.proposals(
        objectness: objectness, deltas: deltas, configuration: configuration.rpn,
        imageWidth: configuration.inputWidth, imageHeight: configuration.inputHeight
      ).boxes
      let jittered = headTraining.jitteredGroundTruth(
        sample.boxes.map(\.box), width: width, height: height, order: &orders[i])
      targets.append(
        ProposalTargets(
          proposals: proposals + jittered, groundTruth: sample.boxes, configuration: headTraining,
          order: &orders[i]))
      if rpnLearns {
        let d = rpn.backward(
          objectness: rpnLoss.classificationGradient, deltas: rpnLoss.localizationGradient,
          inputGradient: keyframeLearns)
        if let d { dFeatures.append(d) }
      } else {
        rpn.forgetActivations()
      }
    }
    if keyframeLearns {
      _ = keyframe.stages.backward(Tensor.concatenatingBatches(dFeatures), inputGradient: false)
    } else {
      keyframe.stages.forgetActivations()
    }

    let contextLearns = context.stages.hasTrainableParameters
    let mixed4e = context.stages.forward(
      contextNormalization(Tensor.concatenatingBatches(samples.map(\.clip))))
    var dMixed4e: [Tensor] = []
    for i in samples.indices {
      let own = mixed4e.batchItem(i)
      guard !targets[i].rois.isEmpty else {
        dMixed4e.append(Tensor(shape: own.shape))
        continue
      }
      let (logits, boxDeltas) = head.forward(mixed4e: own, rois: targets[i].rois)
      let headLoss = DetectionLoss.head(
        classLogits: logits, boxDeltas: boxDeltas, targets: targets[i], configuration: headTraining)
      losses[i].headClassification = headLoss.classification * headTraining.classificationWeight
      losses[i].headLocalization = headLoss.localization * headTraining.localizationWeight
      (losses[i].foregroundROIs, losses[i].foregroundCorrect) = Self.foregroundAccuracy(
        logits: logits, classes: targets[i].classes, scoring: headTraining.scoring)
      dMixed4e.append(
        head.backward(classLogits: headLoss.classificationGradient, boxDeltas: headLoss.localizationGradient))
    }
    if contextLearns {
      _ = context.stages.backward(Tensor.concatenatingBatches(dMixed4e), inputGradient: false)
    } else {
      context.stages.forgetActivations()
    }
    return losses
  }
}
