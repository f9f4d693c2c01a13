import Tensor

/// S3D-G self-gating that can learn: `y = x · sigmoid(W · mean_{T,H,W}(x) + b)`; tensors
/// `<p>.gate.weight` `[c, c]` (Linear layout) and `<p>.gate.bias` `[c]` (HowTo100M only). Keeps `x`.
public final class TrainableGate: TrainableModule {
  /// Gate matrix `[c, c]`.
  public let weight: Parameter
  /// Gate bias `[c]`, or `nil` (TF-slim).
  public let bias: Parameter?
  private var input: Tensor?

  /// A gate from its parameters.
  public init(weight: Parameter, bias: Parameter?) {
    self.weight = weight
    self.bias = bias
  }

  /// Every parameter.
  public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
  /// None.
  public var batchNorms: [TrainableBatchNorm] { [] }
  private var gate: SelfGating { SelfGating(weight: weight.value, bias: bias?.value) }

  /// Gates `x`.
  public func forward(_ x: Tensor) -> Tensor {
    input = x
    return gate(x)
  }

  /// Drops the kept input.
  public func forgetActivations() { input = nil }

  /// Back-propagates dL/dy.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    guard let x = input else { preconditionFailure("TrainableGate \(weight.name): backward without forward") }
    input = nil
    let g = gate.backward(input: x, outputGradient: dy)
    weight.accumulate(g.weight)
    if let bias, let db = g.bias { bias.accumulate(db) }
    return g.input
  }
}

/// A max pool inside a trainable network (no parameters); keeps its input for the backward.
public final class TrainableMaxPool: TrainableModule {
  /// The pool.
  public let pool: MaxPool
  private var input: Tensor?

  /// Wraps `pool`.
  public init(_ pool: MaxPool) { self.pool = pool }

  /// None.
  public var parameters: [Parameter] { [] }
  /// None.
  public var batchNorms: [TrainableBatchNorm] { [] }

  /// Pools `x`.
  public func forward(_ x: Tensor) -> Tensor {
    input = x
    return pool(x)
  }

  /// Drops the kept input.
  public func forgetActivations() { input = nil }

  /// Routes dL/dy to each window's first maximum.
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    guard let x = input else { preconditionFailure("TrainableMaxPool: backward without forward") }
    input = nil
    return inputGradient ? pool.backward(input: x, outputGradient: dy) : nil
  }
}

/// Modules run one after the other; the backward runs them in reverse and stops early when nothing
/// before a module needs a gradient.
public final class TrainableSequence: TrainableModule {
  /// The modules, in order.
  public let modules: [any TrainableModule]

  /// A sequence of `modules`.
  public init(_ modules: [any TrainableModule]) { self.modules = modules }

  /// Every parameter, in module order.
  public var parameters: [Parameter] { modules.flatMap(\.parameters) }
  /// Every batch norm, in module order.
  public var batchNorms: [TrainableBatchNorm] { modules.flatMap(\.batchNorms) }

  /// Drops every module's kept activations.
  public func forgetActivations() {
    for m in modules { m.forgetActivations() }
  }

  /// Runs every module.
  public func forward(_ x: Tensor) -> Tensor {
    modules.reduce(x) { $1.forward($0) }
  }

  /// Back-propagates through every module (skipping the leading ones that learn nothing when
  /// `inputGradient` is false).
  public func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor? {
    backPropagate(dy, through: modules[...], inputGradient: inputGradient)
  }
}

/// Back-propagates `dy` through `modules` (run forward in order), from the last to the first.
///
/// Without `inputGradient`, the backward stops after the first module that has a trainable
/// parameter (modules before it only pass gradients to things that learn nothing).
func backPropagate(
  _ dy: Tensor, through modules: ArraySlice<any TrainableModule>, inputGradient: Bool
) -> Tensor? {
  let firstNeeded =
    inputGradient
    ? modules.startIndex : (modules.firstIndex { $0.hasTrainableParameters } ?? modules.endIndex)
  var g: Tensor? = dy
  for i in modules.indices.reversed() {
    guard i >= firstNeeded, let current = g else {
      modules[i].forgetActivations()
      continue
    }
    g = modules[i].backward(current, inputGradient: inputGradient || i > firstNeeded)
  }
  return inputGradient ? g : nil
}
