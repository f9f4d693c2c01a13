import Tensor

/// The stages of a trainable network, each named by an endpoint: runs them in order, back-propagates
/// in reverse, freezes stages and switches batch-norm modes by endpoint (shared by
/// ``TrainableResNet50`` and ``TrainableS3DG``).
///
/// Memory: stages before the first one that learns (all frozen) keep nothing when no input gradient
/// is asked for: their forward runs and they forget its activations at once, and the backward stops
/// at the first stage that learns.
public final class TrainableStages<Endpoint: Hashable & Comparable & Sendable>: TrainableModule {
  /// The stages in order.
  public let stages: [(endpoint: Endpoint, module: any TrainableModule)]
  /// Whether the backward returns dL/d(input) (otherwise it stops at the first stage that learns).
  public var computesInputGradient = false
  private var firstNeeded = 0

  /// Stages in network order.
  public init(_ stages: [(endpoint: Endpoint, module: any TrainableModule)]) {
    precondition(!stages.isEmpty, "TrainableStages: no stages")
    self.stages = stages
  }

  /// Every parameter, stage by stage.
  public var parameters: [Parameter] { stages.flatMap(\.module.parameters) }
  /// Every batch norm, stage by stage.
  public var batchNorms: [TrainableBatchNorm] { stages.flatMap(\.module.batchNorms) }

  /// The module of `endpoint`, if built.
  public func module(_ endpoint: Endpoint) -> (any TrainableModule)? {
    stages.first { $0.endpoint == endpoint }?.module
  }

  /// Freezes (or unfreezes) the parameters of every built stage in `endpoints`.
  public func setFrozen(_ frozen: Bool, stages endpoints: some Sequence<Endpoint>) {
    let wanted = Set(endpoints)
    for (endpoint, module) in stages where wanted.contains(endpoint) { module.setFrozen(frozen) }
  }

  /// Sets the batch-norm mode of every built stage in `endpoints`.
  public func setBatchNormMode(_ mode: BatchNormMode, stages endpoints: some Sequence<Endpoint>) {
    let wanted = Set(endpoints)
    for (endpoint, module) in stages where wanted.contains(endpoint) { module.setBatchNormMode(mode) }
  }

  /// Drops every stage's kept activations.
  public func forgetActivations() {
    for stage in stages { stage.module.forgetActivations() }
  }

  /// Runs every stage and returns the last one's output.
  public func forward(_ x: Tensor) -> Tensor {
    forward(x, keeping: []).output
  }

  /// Runs every stage; returns the last output and the outputs of the endpoints in `wanted`.
  public func forward(_ x: Tensor, keeping wanted: Set<Endpoint>) -> (
    output: Tensor, endpoints: [Endpoint: Tensor]
  ) {
    firstNeeded =
      computesInputGradient ? 0 : (stages.firstIndex { $0.module.hasTrainableParameters } ?? stages.count)
    var y = x
    var kept: [Endpoint: Tensor] = [:]
    for (i, (endpoint, module)) in stages.enumerated() {
      y = module.forward(y)
      if i < firstNeeded { module.forgetActivations() }
      if wanted.contains(endpoint) { kept[endpoint] = y }
    }
    return (y, kept)
  }

  /// Back-propagates dL/d(output) through the stages that need it; returns dL/d(input) when
  /// ``computesInputGradient`` (and `inputGradient`) are set, else `nil`.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    var g: Tensor? = dy
    for i in stages.indices.reversed() {
      guard i >= firstNeeded, let current = g else { break }
      let wantsInput = i > firstNeeded || (computesInputGradient && inputGradient)
      g = stages[i].module.backward(current, inputGradient: wantsInput)
    }
    return computesInputGradient && inputGradient ? g : nil
  }
}
