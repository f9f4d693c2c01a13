import Networks
import Tensor

/// The region proposal network that can learn (the trainable twin of ``RegionProposalNetwork``, same
/// tensors `conv.*`, `objectness.*`, `deltas.*` under the store's prefix): 3×3 conv + bias, ReLU6,
/// then 1×1 objectness `[1, A, H, W]` and deltas `[1, 4A, H, W]`.
///
/// Keeps the feature map (the keyframe trunk's output, shared) and the hidden map.
public final class TrainableRPN {
  /// 3×3 conv weight and bias.
  public let convWeight: Parameter, convBias: Parameter
  /// 1×1 objectness weight and bias.
  public let objectnessWeight: Parameter, objectnessBias: Parameter
  /// 1×1 deltas weight and bias.
  public let deltasWeight: Parameter, deltasBias: Parameter
  /// The configuration (anchors, proposal counts).
  public let configuration: RPNConfiguration
  private var saved: (input: Tensor, hidden: Tensor)?

  /// Loads the tensors (under `weights.prefix`, e.g. `"rpn."`) for an `inputChannels`-channel map.
  public init(weights: inout WeightStore, configuration: RPNConfiguration, inputChannels: Int) throws {
    self.configuration = configuration
    let (hidden, a) = (configuration.hiddenChannels, configuration.anchors.anchorsPerPosition)
    func parameter(_ key: String, _ shape: [Int]) throws -> Parameter {
      Parameter(name: weights.prefix + key, value: try weights.tensor(key, shape: shape))
    }
    convWeight = try parameter("conv.weight", [hidden, inputChannels, 3, 3])
    convBias = try parameter("conv.bias", [hidden])
    objectnessWeight = try parameter("objectness.weight", [a, hidden, 1, 1])
    objectnessBias = try parameter("objectness.bias", [a])
    deltasWeight = try parameter("deltas.weight", [4 * a, hidden, 1, 1])
    deltasBias = try parameter("deltas.bias", [4 * a])
  }

  /// Every parameter.
  public var parameters: [Parameter] {
    [convWeight, convBias, objectnessWeight, objectnessBias, deltasWeight, deltasBias]
  }

  private var conv: Convolution {
    Convolution(weight: convWeight.value, bias: convBias.value, padding: .symmetric([1, 1]))
  }
  private var objectness: Convolution {
    Convolution(weight: objectnessWeight.value, bias: objectnessBias.value)
  }
  private var deltas: Convolution { Convolution(weight: deltasWeight.value, bias: deltasBias.value) }

  /// Objectness logits and box deltas of a `[1, C, H, W]` keyframe feature.
  public func forward(_ feature: Tensor) -> (objectness: Tensor, deltas: Tensor) {
    let hidden = conv(feature).relu6()
    saved = (feature, hidden)
    return (objectness(hidden), deltas(hidden))
  }

  /// Drops the kept maps.
  public func forgetActivations() { saved = nil }

  /// Back-propagates dL/d(objectness) and dL/d(deltas); returns dL/d(feature) when asked.
  public func backward(objectness dObjectness: Tensor, deltas dDeltas: Tensor, inputGradient: Bool) -> Tensor?
  {
    guard let saved else { preconditionFailure("TrainableRPN: backward without forward") }
    self.saved = nil
    let o = objectness.backward(input: saved.hidden, outputGradient: dObjectness)
    let d = deltas.backward(input: saved.hidden, outputGradient: dDeltas)
    objectnessWeight.accumulate(o.weight)
    objectnessBias.accumulate(o.bias!)
    deltasWeight.accumulate(d.weight)
    deltasBias.accumulate(d.bias!)
    var dHidden = o.input!
    dHidden += d.input!
    let dPre = Tensor.relu6Backward(output: saved.hidden, outputGradient: dHidden)
    let c = conv.backward(input: saved.input, outputGradient: dPre, inputGradient: inputGradient)
    convWeight.accumulate(c.weight)
    convBias.accumulate(c.bias!)
    return c.input
  }
}
