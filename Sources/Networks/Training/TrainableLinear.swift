import Tensor

/// A fully connected layer that can learn, `y = x·Wᵀ + b` on `[n, in]`; keeps its input.
public final class TrainableLinear {
  /// Weight `[out, in]`.
  public let weight: Parameter
  /// Bias `[out]`.
  public let bias: Parameter
  private var input: Tensor?

  /// Loads `<key>.weight` `[output, input]` and `<key>.bias` under the store's prefix.
  public init(weights: inout WeightStore, key: String, input: Int, output: Int) throws {
    weight = Parameter(
      name: weights.prefix + key + ".weight",
      value: try weights.tensor(key + ".weight", shape: [output, input]))
    bias = Parameter(
      name: weights.prefix + key + ".bias", value: try weights.tensor(key + ".bias", shape: [output]))
  }

  /// Weight and bias.
  public var parameters: [Parameter] { [weight, bias] }

  /// Applies the layer.
  public func forward(_ x: Tensor) -> Tensor {
    input = x
    return Linear(weight: weight.value, bias: bias.value)(x)
  }

  /// Drops the kept input.
  public func forgetActivations() { input = nil }

  /// Back-propagates dL/dy; returns dL/dx.
  public func backward(_ dy: Tensor) -> Tensor {
    guard let x = input else {
      preconditionFailure("TrainableLinear \(weight.name): backward without forward")
    }
    input = nil
    let g = Linear(weight: weight.value, bias: bias.value).backward(input: x, outputGradient: dy)
    weight.accumulate(g.weight)
    bias.accumulate(g.bias!)
    return g.input
  }
}
