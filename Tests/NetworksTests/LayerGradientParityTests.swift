import Foundation
import Networks
import Tensor
import Testing

/// Every layer kind's backward on its own against PyTorch autograd in float64
/// (Fixtures/layer_gradients.safetensors, made by tools/make_gradient_fixtures.py; the ROI crop's
/// cases are checked in DetectionTests). Bound: max |ours − reference| / max |reference| ≤ 1e-4 per
/// tensor; the forward outputs too.
@Suite struct LayerGradientParityTests {
  /// The fixture file and its per-case hyper-parameters.
  static func load() throws -> (SafeTensorsFile, [String: [String: Any]]) {
    let file = try ParityFixtures.file("layer_gradients")
    let json = try JSONSerialization.jsonObject(with: Data((file.metadata["cases"] ?? "{}").utf8))
    return (file, json as? [String: [String: Any]] ?? [:])
  }

  static let caseNames = [
    "conv2d_7x7_s2_p3", "conv2d_3x3_s2_p1", "conv3d_1x1x1", "conv3d_1x3x3_s122_same",
    "conv3d_3x1x1_s211_same",
    "conv3d_3x3x3_p1", "bn3d_train", "bn3d_frozen", "relu", "relu6", "maxpool2d_3x3_s2_p1",
    "maxpool3d_1x3x3_s122_p011_ceil", "maxpool3d_3x3x3_s1_same", "avgpool3d_2x3x3_s2_p011_ceil_include_pad",
    "avgpool3d_2x3x3_s2_p011_ceil_exclude_pad", "global_mean", "gate_bias", "gate_nobias", "linear",
    "softmax_cross_entropy", "sigmoid_bce_with_logits", "smooth_l1_beta1_9_sum", "smooth_l1_beta1_sum",
  ]

  /// A case's tensor `<case>.<key>`.
  struct Case {
    let file: SafeTensorsFile
    let name: String
    let spec: [String: Any]
    func callAsFunction(_ key: String) throws -> Tensor { try ParityFixtures.tensor(file, "\(name).\(key)") }
    func ints(_ key: String) -> [Int] { spec[key] as? [Int] ?? [] }
    func check(_ ours: Tensor, _ key: String, bound: Float = 1e-4) throws {
      let error = maxRelativeError(ours, try self(key))
      #expect(error <= bound, "\(name).\(key): \(error)")
    }
  }

  /// The padding a case states: `"tfSame…"` or symmetric amounts.
  static func padding(_ c: Case) -> Padding {
    if let text = c.spec["padding"] as? String, text.hasPrefix("tfSame") { return .same }
    return .symmetric(c.ints("padding"))
  }

  @Test(arguments: caseNames)
  func layerBackwardMatchesAutograd(name: String) throws {
    let (file, specs) = try Self.load()
    let c = Case(file: file, name: name, spec: try #require(specs[name], "case \(name) missing"))
    let op = c.spec["op"] as? String ?? ""
    let x = try c("input")
    let dy = try c("output_gradient")
    switch op {
    case "conv2d", "conv3d":
      let conv = Convolution(
        weight: try c("weight"), bias: try c("bias"), stride: c.ints("stride"), padding: Self.padding(c))
      try c.check(conv(x), "output")
      let g = conv.backward(input: x, outputGradient: dy)
      try c.check(try #require(g.input), "grad.input")
      try c.check(g.weight, "grad.weight")
      try c.check(try #require(g.bias), "grad.bias")
    case "batch_norm_3d":
      var bn = BatchNormParameters(
        gamma: try c("weight"), beta: try c("bias"), mean: try c("running_mean"),
        variance: try c("running_var"),
        epsilon: Float(c.spec["epsilon"] as? Double ?? 1e-3))
      if c.spec["mode"] as? String == "training" {
        let (y, statistics) = bn.trainingForward(x)
        try c.check(y, "output")
        let g = bn.trainingBackward(input: x, statistics: statistics, outputGradient: dy)
        try c.check(g.input, "grad.input")
        try c.check(g.gamma, "grad.weight")
        try c.check(g.beta, "grad.bias")
        bn.updateRunningStatistics(with: statistics, momentum: Float(c.spec["momentum"] as? Double ?? 0.1))
        try c.check(bn.mean, "updated_running_mean", bound: 1e-5)
        try c.check(bn.variance, "updated_running_var", bound: 1e-5)
      } else {
        try c.check(bn(x), "output")
        try c.check(bn.frozenBackward(outputGradient: dy), "grad.input")
      }
    case "relu":
      let y = x.relu()
      try c.check(y, "output")
      try c.check(Tensor.reluBackward(output: y, outputGradient: dy), "grad.input")
    case "relu6":
      let y = x.relu6()
      try c.check(y, "output")
      try c.check(Tensor.relu6Backward(output: y, outputGradient: dy), "grad.input")
    case "max_pool_2d", "max_pool_3d":
      let pool = MaxPool(
        kernel: c.ints("kernel"), stride: c.ints("stride"), padding: Self.padding(c),
        ceilMode: c.spec["ceil_mode"] as? Bool ?? false)
      try c.check(pool(x), "output")
      try c.check(pool.backward(input: x, outputGradient: dy), "grad.input")
    case "avg_pool_3d":
      let pool = AvgPool(
        kernel: c.ints("kernel"), stride: c.ints("stride"), padding: Self.padding(c),
        ceilMode: c.spec["ceil_mode"] as? Bool ?? false,
        countIncludePad: c.spec["count_include_pad"] as? Bool ?? true)
      try c.check(pool(x), "output")
      try c.check(pool.backward(inputShape: x.shape, outputGradient: dy), "grad.input")
    case "global_mean":
      try c.check(x.globalMean(), "output")
      try c.check(Tensor.globalMeanBackward(outputGradient: dy, inputShape: x.shape), "grad.input")
    case "self_gating":
      let hasBias = c.spec["bias"] as? Bool ?? false
      let gate = SelfGating(weight: try c("weight"), bias: hasBias ? try c("bias") : nil)
      try c.check(gate(x), "output")
      let g = gate.backward(input: x, outputGradient: dy)
      try c.check(g.input, "grad.input")
      try c.check(g.weight, "grad.weight")
      if hasBias { try c.check(try #require(g.bias), "grad.bias") }
    case "linear":
      let linear = Linear(weight: try c("weight"), bias: try c("bias"))
      try c.check(linear(x), "output")
      let g = linear.backward(input: x, outputGradient: dy)
      try c.check(g.input, "grad.input")
      try c.check(g.weight, "grad.weight")
      try c.check(try #require(g.bias), "grad.bias")
    case "softmax_cross_entropy_loss":
      let labels = try c("target").scalars.map { Int($0) }
      let (value, gradient) = Loss.softmaxCrossEntropy(
        logits: x, labels: labels, weights: try c("row_weight").scalars, reduction: .mean)
      try c.check(Tensor(shape: [1], scalars: [value]), "output")
      try c.check(gradient, "grad.input")
    case "sigmoid_bce_with_logits_loss":
      let (value, gradient) = Loss.sigmoidCrossEntropy(logits: x, targets: try c("target"), reduction: .mean)
      try c.check(Tensor(shape: [1], scalars: [value]), "output")
      try c.check(gradient, "grad.input")
    case "smooth_l1_loss":
      let target = try c("target")
      let (value, gradient) = Loss.smoothL1(
        prediction: x, target: target, beta: Float(c.spec["beta"] as? Double ?? 1), reduction: .sum)
      try c.check(Tensor(shape: [1], scalars: [value]), "output")
      try c.check(gradient, "grad.input")
      // d/d(target) is the negative of d/d(prediction).
      var negated = gradient
      negated.scale(by: -1)
      try c.check(negated, "grad.target")
    default:
      Issue.record("\(name): unknown op \(op)")
    }
  }

  @Test func everyCaseIsChecked() throws {
    let (_, specs) = try Self.load()
    let roi = specs.keys.filter { $0.hasPrefix("roi_crop") }
    #expect(Set(specs.keys).subtracting(roi) == Set(Self.caseNames), "a fixture case is not tested here")
  }
}
