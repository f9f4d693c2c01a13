import Tensor

/// Deterministic pseudo-random numbers (SplitMix64) for test inputs.
struct SeededRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// Next value uniform in [-1, 1).
  mutating func next() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) / Float(1 << 23) - 1
  }

  /// A tensor of the given shape with uniform [-1, 1) elements.
  mutating func tensor(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in next() })
  }
}

/// `max|a - b| / max(max|b|, 1e-6)`: the L∞ error relative to the reference's largest magnitude.
func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
  precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape)")
  let (x, y) = (a.scalars, b.scalars)
  var diff: Float = 0
  var scale: Float = 1e-6
  for i in 0..<x.count {
    diff = max(diff, abs(x[i] - y[i]))
    scale = max(scale, abs(y[i]))
  }
  return diff / scale
}

/// Independent reference of one window axis: (output extent, pad before, pad after).
func referenceAxis(input: Int, kernel: Int, stride: Int, padding: Padding, axis: Int, ceil: Bool = false)
  -> (out: Int, before: Int, after: Int)
{
  switch padding {
  case .valid:
    let zero = PadAmount(before: 0, after: 0)
    return referenceAxis(
      input: input, kernel: kernel, stride: stride, padding: .explicit([zero, zero, zero]), axis: axis,
      ceil: ceil)
  case .same:
    let out = (input + stride - 1) / stride
    let total = max(0, (out - 1) * stride + kernel - input)
    return (out, total / 2, total - total / 2)
  case .explicit(let p):
    let (b, a) = (p[axis].before, p[axis].after)
    let span = input + b + a - kernel
    if !ceil { return (span / stride + 1, b, a) }
    var out = Int((Double(span) / Double(stride)).rounded(.up)) + 1
    if (out - 1) * stride >= input + b { out -= 1 }
    return (out, b, a)
  }
}

/// Direct-loop 3-D convolution on NCTHW (reference for tests).
func referenceConv3d(
  _ x: Tensor, weight: Tensor, bias: [Float]?, stride: [Int], padding: Padding
) -> Tensor {
  let (n, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
  let (o, kt, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3], weight.shape[4])
  let at = referenceAxis(input: t, kernel: kt, stride: stride[0], padding: padding, axis: 0)
  let ah = referenceAxis(input: h, kernel: kh, stride: stride[1], padding: padding, axis: 1)
  let aw = referenceAxis(input: w, kernel: kw, stride: stride[2], padding: padding, axis: 2)
  var y = Tensor(shape: [n, o, at.out, ah.out, aw.out])
  let xs = x.scalars
  let ws = weight.scalars
  var ys = y.scalars
  var idx = 0
  for b in 0..<n {
    for oc in 0..<o {
      for ot in 0..<at.out {
        for oy in 0..<ah.out {
          for ox in 0..<aw.out {
            var s = Double(bias?[oc] ?? 0)
            for ic in 0..<c {
              for dt in 0..<kt {
                let it = ot * stride[0] + dt - at.before
                if it < 0 || it >= t { continue }
                for dy in 0..<kh {
                  let iy = oy * stride[1] + dy - ah.before
                  if iy < 0 || iy >= h { continue }
                  for dx in 0..<kw {
                    let ix = ox * stride[2] + dx - aw.before
                    if ix < 0 || ix >= w { continue }
                    let xv = xs[(((b * c + ic) * t + it) * h + iy) * w + ix]
                    let wv = ws[(((oc * c + ic) * kt + dt) * kh + dy) * kw + dx]
                    s += Double(xv) * Double(wv)
                  }
                }
              }
            }
            ys[idx] = Float(s)
            idx += 1
          }
        }
      }
    }
  }
  y = Tensor(shape: y.shape, scalars: ys)
  return y
}

/// Direct-loop 3-D pooling on NCTHW with PyTorch / TensorFlow semantics (reference for tests).
func referencePool3d(
  _ x: Tensor, kernel: [Int], stride: [Int], padding: Padding, ceil: Bool, max isMax: Bool,
  countIncludePad: Bool
) -> Tensor {
  let (n, c) = (x.shape[0], x.shape[1])
  let dims = Array(x.shape[2...])
  let axes = (0..<3).map {
    referenceAxis(
      input: dims[$0], kernel: kernel[$0], stride: stride[$0], padding: padding, axis: $0, ceil: ceil)
  }
  let xs = x.scalars
  var ys: [Float] = []
  for plane in 0..<(n * c) {
    for ot in 0..<axes[0].out {
      for oy in 0..<axes[1].out {
        for ox in 0..<axes[2].out {
          let o = [ot, oy, ox]
          var lo = [0, 0, 0]
          var hi = [0, 0, 0]
          var padCount = 1
          for a in 0..<3 {
            let s = o[a] * stride[a] - axes[a].before
            padCount *= min(s + kernel[a], dims[a] + axes[a].after) - s
            lo[a] = max(s, 0)
            hi[a] = min(s + kernel[a], dims[a])
          }
          var m = -Float.infinity
          var sum: Double = 0
          var count = 0
          for it in lo[0]..<hi[0] {
            for iy in lo[1]..<hi[1] {
              for ix in lo[2]..<hi[2] {
                let v = xs[((plane * dims[0] + it) * dims[1] + iy) * dims[2] + ix]
                m = max(m, v)
                sum += Double(v)
                count += 1
              }
            }
          }
          ys.append(isMax ? m : Float(sum / Double(countIncludePad ? padCount : count)))
        }
      }
    }
  }
  return Tensor(shape: [n, c] + axes.map(\.out), scalars: ys)
}
