import ArgumentParser
import Detection
import Training

extension Train {
  /// The training options the flags describe.
  func trainOptions() throws -> TrainingOptions {
    let partsValue: TrainableParts
    switch parts {
    case "rpn-head": partsValue = .rpnAndHead
    case "head": partsValue = .headOnly
    case "all": partsValue = .all
    default: throw ValidationError("--train \(parts): expected rpn-head, head or all")
    }
    guard bn == "frozen" || bn == "training" else {
      throw ValidationError("--bn \(bn): expected frozen or training")
    }
    let decay: LearningRateSchedule.Decay
    switch schedule {
    case "cosine": decay = .cosine
    case "step":
      let text = lrSteps ?? "\(steps * 2 / 3),\(steps * 8 / 9)"
      let milestones = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard milestones.count == text.split(separator: ",").count else {
        throw ValidationError("--lr-steps \(text): expected step numbers separated by commas")
      }
      decay = .steps(milestones: milestones, gamma: lrGamma)
    default: throw ValidationError("--schedule \(schedule): expected step or cosine")
    }
    return TrainingOptions(
      steps: steps, batchSize: batchSize,
      schedule: LearningRateSchedule(base: lr, warmupSteps: warmup, decay: decay, totalSteps: steps),
      momentum: momentum, weightDecay: weightDecay, clipNorm: clipNorm > 0 ? clipNorm : nil, seed: seed,
      checkpointEvery: checkpointEvery, evalEvery: evalEvery, parts: partsValue, batchNormTraining: bn == "training",
      augmentation: Augmentation(horizontalFlip: !noFlip, scaleJitter: scaleJitter, colourJitter: colourJitter))
  }
}
