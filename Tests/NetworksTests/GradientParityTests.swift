import Networks
import Tensor
import Testing

/// Every parameter gradient and the input gradient of the trainable ResNet-50 and S3D-G presets
/// (width 1/8, real video frames) against PyTorch autograd in float64
/// (Tests/NetworksTests/Fixtures/gradients, made by tools/make_gradient_fixtures.py).
///
/// Bound: max |ours − reference| / max |reference| ≤ 1e-4 per tensor (outputs, input gradient,
/// each parameter gradient); running statistics after a training-mode step ≤ 1e-5.
@Suite struct GradientParityTests {
  static let fixtures = [
    "resnet50_w8_frozen_layer4", "resnet50_w8_train_layer3", "s3d_torchvision_w8_frozen_mixed_5c",
    "s3d_torchvision_w8_train_mixed_4e", "s3d_tfslim_s3dg_w8_frozen_mixed_5c",
    "s3d_howto100m_w8_frozen_mixed_4e",
    "s3d_i3d_w8_frozen_mixed_4e",
  ]

  /// The trainable network a fixture describes, built on the fixture's seeded weights.
  static func network(_ file: SafeTensorsFile) throws -> TrainableStagesBox {
    var weights = try ParityFixtures.weights(for: file)
    let m = file.metadata
    let width = WidthMultiplier(divisor: Int(m["width_divisor"] ?? "1")!)
    let endpointName = m["endpoint"] ?? ""
    let box: TrainableStagesBox
    if m["configuration"] == "resnet50_torchvision" {
      let final: ResNet50.Endpoint = endpointName == "layer4" ? .layer4 : .layer3
      box = .resNet(try TrainableResNet50(weights: &weights, final: final, width: width).stages)
    } else {
      let presets: [String: S3DGConfiguration] = [
        "torchvision": .torchvision, "tfSlimS3DG": .tfSlimS3DG, "howTo100M": .howTo100M, "i3d": .i3d,
      ]
      let preset = try #require(presets[m["configuration"] ?? ""])
      let final = try #require(S3DGEndpoint.allCases.first { $0.description == endpointName })
      let configuration = preset.stages(.conv2d_1a, final).width(width)
      box = .s3dg(try TrainableS3DG(weights: &weights, configuration: configuration).stages)
    }
    try weights.assertAllConsumed()
    box.module.setBatchNormMode(m["bn_mode"] == "training" ? .training : .frozen)
    return box
  }

  @Test(arguments: fixtures)
  func gradientsMatchAutograd(name: String) throws {
    let file = try ParityFixtures.file("gradients/\(name)")
    let box = try Self.network(file)
    box.setComputesInputGradient()
    let module = box.module
    let output = module.forward(try ParityFixtures.tensor(file, "input"))
    #expect(maxRelativeError(output, try ParityFixtures.tensor(file, "output")) <= 1e-4, "\(name) output")
    let dx = try #require(
      module.backward(try ParityFixtures.tensor(file, "output_gradient"), inputGradient: true))
    #expect(maxRelativeError(dx, try ParityFixtures.tensor(file, "grad.input")) <= 1e-4, "\(name) grad.input")

    let trainable = Set(
      (file.metadata["trainable"] ?? "").split(separator: "\n").map { String($0.split(separator: " ")[0]) })
    var compared = 0
    for p in module.parameters {
      if trainable.contains(p.name) {
        let error = maxRelativeError(p.gradient, try ParityFixtures.tensor(file, "grad." + p.name))
        #expect(error <= 1e-4, "\(name) grad.\(p.name): \(error)")
        compared += 1
      } else {
        // Frozen batch norm: a fixed affine map, nothing learned.
        #expect(p.gradient.scalars.allSatisfy { $0 == 0 }, "\(name) \(p.name) has a gradient")
      }
    }
    #expect(compared == trainable.count, "\(name): \(compared) of \(trainable.count) gradients compared")

    if file.metadata["bn_mode"] == "training" {
      for bn in module.batchNorms {
        let mean = try ParityFixtures.tensor(file, "running_mean." + bn.prefix)
        let variance = try ParityFixtures.tensor(file, "running_var." + bn.prefix)
        #expect(maxRelativeError(bn.runningMean, mean) <= 1e-5, "\(name) running_mean.\(bn.prefix)")
        #expect(maxRelativeError(bn.runningVariance, variance) <= 1e-5, "\(name) running_var.\(bn.prefix)")
      }
    }
  }
}

/// Either network's stages, as one trainable module.
enum TrainableStagesBox {
  case resNet(TrainableStages<ResNet50.Endpoint>)
  case s3dg(TrainableStages<S3DGEndpoint>)

  var module: any TrainableModule {
    switch self {
    case .resNet(let s): return s
    case .s3dg(let s): return s
    }
  }

  func setComputesInputGradient() {
    switch self {
    case .resNet(let s): s.computesInputGradient = true
    case .s3dg(let s): s.computesInputGradient = true
    }
  }
}
