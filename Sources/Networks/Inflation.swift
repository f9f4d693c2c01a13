import Tensor

/// I3D's 2-D → 3-D bootstrapping: repeats a 2-D filter `[out, in, kh, kw]` `time` times along a new
/// temporal axis and divides by `time`, giving `[out, in, time, kh, kw]`.
///
/// On a "boring video" (one image repeated) the inflated filter answers exactly what the 2-D filter
/// answers on the image, wherever its temporal window lies inside the clip.
public func inflate2DTo3D(weight: Tensor, time: Int) -> Tensor {
  precondition(weight.rank == 4, "inflate2DTo3D: weight \(weight.shape), [out, in, kh, kw] expected")
  precondition(time >= 1, "inflate2DTo3D: time \(time) must be >= 1")
  let (rows, plane) = (weight.shape[0] * weight.shape[1], weight.shape[2] * weight.shape[3])
  let source = weight.scalars
  var values = [Float](repeating: 0, count: rows * time * plane)
  let scale = 1 / Float(time)
  for row in 0..<rows {
    for t in 0..<time {
      for i in 0..<plane { values[(row * time + t) * plane + i] = source[row * plane + i] * scale }
    }
  }
  return Tensor(shape: [weight.shape[0], weight.shape[1], time] + weight.shape.suffix(2), scalars: values)
}

/// Inflates a 2-D convolution to 3-D: weight by ``inflate2DTo3D(weight:time:)``, bias and activation
/// kept, spatial stride and padding kept, temporal stride and padding given.
public func inflate2DTo3D(
  _ convolution: Convolution, time: Int, temporalStride: Int = 1,
  temporalPadding: PadAmount = .init(before: 0, after: 0)
) -> Convolution {
  let spatial: [PadAmount]
  switch convolution.padding {
  case .valid:
    spatial = [PadAmount(before: 0, after: 0), PadAmount(before: 0, after: 0)]
  case .explicit(let amounts):
    spatial = amounts
  case .same:
    preconditionFailure("inflate2DTo3D: TF SAME padding has no fixed amount to keep; use explicit padding")
  }
  return Convolution(
    weight: inflate2DTo3D(weight: convolution.weight, time: time), bias: convolution.bias,
    stride: [temporalStride] + convolution.stride, padding: .explicit([temporalPadding] + spatial),
    activation: convolution.activation)
}

/// I3D's RGB → flow rule for a first convolution: the weight `[out, in, …]` averaged over its `in`
/// input channels and repeated `channels` times, giving `[out, channels, …]`.
///
/// Every output channel of the new filter is the mean of the old filter's input channels, so on
/// input whose `channels` channels are all equal to `v` it answers what the old filter answers on
/// `in` channels equal to `v · channels / in` (for 3 → 2: two thirds of the response to grey `v`).
///
/// ```swift
/// let flowStem = averageInputChannels(rgbStem, to: 2)  // [64, 3, 3, 7, 7] → [64, 2, 3, 7, 7]
/// ```
public func averageInputChannels(_ weight: Tensor, to channels: Int) -> Tensor {
  precondition(weight.rank >= 2, "averageInputChannels: weight \(weight.shape), [out, in, ...] expected")
  precondition(channels >= 1, "averageInputChannels: channels \(channels) must be >= 1")
  let (rows, inputs) = (weight.shape[0], weight.shape[1])
  let plane = weight.shape.dropFirst(2).reduce(1, *)
  let source = weight.scalars
  var values = [Float](repeating: 0, count: rows * channels * plane)
  for row in 0..<rows {
    for i in 0..<plane {
      var sum: Float = 0
      for c in 0..<inputs { sum += source[(row * inputs + c) * plane + i] }
      let mean = sum / Float(inputs)
      for c in 0..<channels { values[(row * channels + c) * plane + i] = mean }
    }
  }
  return Tensor(shape: [rows, channels] + weight.shape.dropFirst(2), scalars: values)
}
