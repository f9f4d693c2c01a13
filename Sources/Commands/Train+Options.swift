import ArgumentParser
import Detection
import Networks
import Tensor
import Training

extension Train {
  /// The configuration of `--scratch HxW,clip,width,rpn,proposals` for `classes`.
  func scratchConfiguration(_ text: String, classes: [String]) throws -> DetectorConfiguration {
    let parts = text.split(separator: ",").map(String.init)
    let size = parts.first?.split(separator: "x").compactMap { Int($0) } ?? []
    let numbers = parts.dropFirst().compactMap { Int($0) }
    guard parts.count == 5, size.count == 2, numbers.count == 4 else {
      throw ValidationError("--scratch \(text): expected HxW,clip,width,rpn,proposals (e.g. 64x80,8,8,16,20)")
    }
    var rpn = RPNConfiguration()
    rpn.hiddenChannels = numbers[2]
    rpn.proposals = numbers[3]
    rpn.preNMSTopN = max(numbers[3], min(rpn.preNMSTopN, 5 * numbers[3]))
    if min(size[0], size[1]) < 160 {
      rpn.anchors = AnchorGenerator(sizes: [16, 32, 64], aspectRatios: [0.5, 1, 2], stride: 16)
    } else {
      // People in a frame of a few hundred pixels: 32…128 px, upright (width/height 1/4…1).
      rpn.anchors = AnchorGenerator(sizes: [32, 64, 128], aspectRatios: [0.25, 0.5, 1], stride: 16)
    }
    var configuration = DetectorConfiguration(
      classes: classes, inputHeight: size[0], inputWidth: size[1], clipLength: numbers[0],
      contextPreset: "torchvision", rpn: rpn, width: WidthMultiplier(divisor: numbers[1]))
    if staticContext { configuration.contextFrames = .keyframe }
    if stream == "flow" { configuration.contextStream = .flow }
    do { try configuration.validate() } catch { throw ValidationError("--scratch \(text): \(error)") }
    return configuration
  }

  /// The training options the flags describe.
  func trainOptions() throws -> TrainingOptions {
    let partsValue: TrainableParts
    switch parts {
    case "rpn-head": partsValue = .rpnAndHead
    case "head": partsValue = .headOnly
    case "all": partsValue = .all
    default: throw ValidationError("--train \(parts): expected rpn-head, head or all")
    }
    guard ["frozen", "training", "trunks", "batch"].contains(bn) else {
      throw ValidationError("--bn \(bn): expected frozen, training, trunks or batch")
    }
    if bn == "batch", batchSize < 2 {
      throw ValidationError(
        "--bn batch needs --batch-size 2 or more (statistics across one sample are that sample's: --bn trunks)"
      )
    }
    if bn == "batch", recalibrateEvery > 0 {
      throw ValidationError(
        "--recalibrate-every re-estimates one sample per forward; with --bn batch the running statistics "
          + "already follow the batches (leave it out)")
    }
    guard let optimiserKind = OptimiserKind(rawValue: optimiser) else {
      throw ValidationError("--optimiser \(optimiser): expected sgd or adamw")
    }
    let decay: LearningRateSchedule.Decay
    switch schedule {
    case "cosine": decay = .cosine
    case "step":
      let text = lrSteps ?? "\(stepCount * 2 / 3),\(stepCount * 8 / 9)"
      let milestones = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard milestones.count == text.split(separator: ",").count else {
        throw ValidationError("--lr-steps \(text): expected step numbers separated by commas")
      }
      decay = .steps(milestones: milestones, gamma: lrGamma)
    default: throw ValidationError("--schedule \(schedule): expected step or cosine")
    }
    var options = TrainingOptions(
      steps: stepCount, batchSize: batchSize,
      schedule: LearningRateSchedule(base: lr, warmupSteps: warmup, decay: decay, totalSteps: stepCount),
      momentum: momentum, weightDecay: weightDecay, clipNorm: clipNorm > 0 ? clipNorm : nil, seed: seed,
      checkpointEvery: checkpointEvery, evalEvery: evalEvery, parts: partsValue,
      batchNormTraining: bn != "frozen",
      augmentation: Augmentation(
        horizontalFlip: !noFlip, scaleJitter: scaleJitter, colourJitter: colourJitter))
    options.keepBorderAnchors = keepBorderAnchors || scratch != nil
    options.optimiser = optimiserKind
    if groundTruthJitter > 0 { options.groundTruthJitter = groundTruthJitter }
    if bn == "trunks" || bn == "batch" { options.headBatchNormFrozen = true }
    if bn == "batch" { options.batchNormAcrossSamples = true }
    if precision != .fp32 { options.precision = precision }
    if recalibrateEvery > 0 {
      options.recalibrateEvery = recalibrateEvery
      options.recalibrationSamples = calibrationSamples
    }
    return options
  }

  /// ``trainOptions()`` with the `--time-reverse` partners resolved against the dataset's `labels`.
  func trainOptions(labels: [String]) throws -> TrainingOptions {
    var options = try trainOptions()
    if !timeReverse.isEmpty {
      options.augmentation.timeReversal = try TimeReversal.parse(timeReverse, labels: labels)
    }
    return options
  }
}
