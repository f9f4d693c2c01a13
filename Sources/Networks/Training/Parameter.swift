import Tensor

/// A tensor a network learns: its value, the gradient accumulated since the last
/// ``zeroGradient()``, and whether it is trained at all.
///
/// Names are the checkpoint names (torchvision's, as the inference loaders ask for them), so a
/// trained network writes a file the inference networks read unchanged.
public final class Parameter {
  /// Checkpoint name (e.g. `"layer3.0.conv2.weight"`).
  public let name: String
  /// Current value; setting it bumps ``version`` (layers rebuild what they derive from it).
  public var value: Tensor {
    didSet {
      precondition(
        value.shape == oldValue.shape, "Parameter \(name): shape \(oldValue.shape) -> \(value.shape)")
      version &+= 1
    }
  }
  /// dL/d``value`` summed over every backward pass since the last ``zeroGradient()``.
  public private(set) var gradient: Tensor
  /// A frozen parameter keeps its value: no gradient is accumulated and optimisers skip it.
  public var isFrozen = false
  /// Changes whenever ``value`` is set.
  public private(set) var version = 0

  /// A parameter holding `value`, with a zero gradient.
  public init(name: String, value: Tensor) {
    self.name = name
    self.value = value
    gradient = Tensor(shape: value.shape)
  }

  /// Shape of the value.
  public var shape: [Int] { value.shape }

  /// Adds `g` (same shape) to the gradient, unless the parameter is frozen.
  public func accumulate(_ g: Tensor) {
    guard !isFrozen else { return }
    precondition(g.shape == value.shape, "Parameter \(name): gradient \(g.shape), \(value.shape) expected")
    gradient += g
  }

  /// Sets the gradient to zero.
  public func zeroGradient() {
    gradient = Tensor(shape: value.shape)
  }

  /// Replaces the gradient (e.g. after averaging across processes); same shape.
  public func setGradient(_ g: Tensor) {
    precondition(g.shape == value.shape, "Parameter \(name): gradient \(g.shape), \(value.shape) expected")
    gradient = g
  }
}

/// How a trainable batch norm behaves.
public enum BatchNormMode: Sendable, Equatable {
  /// Batch statistics normalise; the running statistics follow them with the layer's momentum;
  /// gamma and beta are learned.
  case training
  /// Running statistics and gamma/beta form a fixed affine map with no gradient (torchvision's
  /// `FrozenBatchNorm2d`, the TF Object Detection API's `freeze_batchnorm`): detection fine-tuning.
  case frozen
}

/// A network part that can learn (Caffe-style: a layer owns its forward and its backward).
///
/// ``forward(_:)`` keeps what the backward needs (documented per type); ``backward(_:inputGradient:)``
/// adds every unfrozen parameter's gradient and returns dL/dx (or `nil` when `inputGradient` is false),
/// then forgets the kept activations. One backward per forward.
public protocol TrainableModule: AnyObject {
  /// Runs the module, keeping what its backward needs.
  func forward(_ x: Tensor) -> Tensor
  /// Back-propagates dL/dy of the last forward: accumulates parameter gradients, returns dL/dx.
  func backward(_ dy: Tensor, inputGradient: Bool) -> Tensor?
  /// Every parameter, frozen or not, in a fixed order.
  var parameters: [Parameter] { get }
  /// Every batch norm, in the same order as their parameters.
  var batchNorms: [TrainableBatchNorm] { get }
  /// Drops what the last forward kept (when no backward will follow it).
  func forgetActivations()
}

extension TrainableModule {
  /// Back-propagates and returns dL/dx.
  public func backward(_ dy: Tensor) -> Tensor {
    backward(dy, inputGradient: true)!
  }

  /// Sets every batch norm's mode.
  public func setBatchNormMode(_ mode: BatchNormMode) {
    for bn in batchNorms { bn.mode = mode }
  }

  /// Freezes (or unfreezes) every parameter.
  public func setFrozen(_ frozen: Bool) {
    for p in parameters { p.isFrozen = frozen }
  }

  /// Whether any parameter is trained.
  public var hasTrainableParameters: Bool { parameters.contains { !$0.isFrozen } }

  /// Zeroes every gradient.
  public func zeroGradients() {
    for p in parameters { p.zeroGradient() }
  }

  /// Every tensor a checkpoint of this module holds: parameters and batch-norm running statistics,
  /// by name.
  public func stateTensors() -> [(name: String, value: Tensor)] {
    parameters.map { ($0.name, $0.value) }
      + batchNorms.flatMap {
        [($0.prefix + ".running_mean", $0.runningMean), ($0.prefix + ".running_var", $0.runningVariance)]
      }
  }
}
