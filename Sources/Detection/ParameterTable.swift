import Networks

/// Names and shapes of every tensor a detector checkpoint holds, so that seeded or freshly
/// initialised weights can be made without a file (the names are those the `Networks` loaders ask for).
public enum ParameterTable {
  /// One tensor: name and shape.
  public typealias Entry = (name: String, shape: [Int])

  /// ResNet-50 `conv1` … `layer3` (torchvision names).
  public static func resNet50ToLayer3(width multiplier: WidthMultiplier = .full) -> [Entry] {
    let stem = multiplier.channels(64)
    var entries: [Entry] = [("conv1.weight", [stem, 3, 7, 7])] + batchNorm("bn1", stem, scale: true)
    var input = stem
    for (layer, (blocks, fullWidth)) in [(1, (3, 64)), (2, (4, 128)), (3, (6, 256))] {
      let width = multiplier.channels(fullWidth)
      for i in 0..<blocks {
        let p = "layer\(layer).\(i)"
        entries.append(("\(p).conv1.weight", [width, input, 1, 1]))
        entries += batchNorm("\(p).bn1", width, scale: true)
        entries.append(("\(p).conv2.weight", [width, width, 3, 3]))
        entries += batchNorm("\(p).bn2", width, scale: true)
        entries.append(("\(p).conv3.weight", [4 * width, width, 1, 1]))
        entries += batchNorm("\(p).bn3", 4 * width, scale: true)
        if i == 0 {
          entries.append(("\(p).downsample.0.weight", [4 * width, input, 1, 1]))
          entries += batchNorm("\(p).downsample.1", 4 * width, scale: true)
        }
        input = 4 * width
      }
    }
    return entries
  }

  /// S3D-G stages `first … final` (≤ Mixed_5c) of configuration `c`.
  public static func s3dg(_ c: S3DGConfiguration, from first: S3DGEndpoint, to final: S3DGEndpoint) -> [Entry]
  {
    var entries: [Entry] = []
    for endpoint in S3DGEndpoint.allCases where endpoint >= first && endpoint <= final {
      let p = "features.\(endpoint.rawValue)"
      let input = S3DG.inputChannels(of: endpoint, width: c.width)
      switch endpoint {
      case .conv2d_1a:
        let stem = c.inputChannels
        switch c.stem {
        case .separable: entries += conv3x3(c, p, stem, c.width.channels(64), kernel: 7)
        case .full(let t): entries += unit(c, p, stem, c.width.channels(64), [t, 7, 7])
        case .spaceToDepth: entries += unit(c, p, stem, c.width.channels(64), [4, 8, 8])
        }
      case .conv2d_2b:
        entries += unit(c, p, input, c.width.channels(64), [1, 1, 1])
      case .conv2d_2c:
        let output = c.width.channels(192)
        entries += conv3x3(c, p, input, output, kernel: 3) + gate(c, p, output)
      case .maxPool_2a, .maxPool_3a, .maxPool_4a, .maxPool_5a, .logits:
        continue
      default:
        let w = S3DG.widths(of: endpoint, width: c.width)
        entries += unit(c, "\(p).branch0", input, w.b0, [1, 1, 1]) + gate(c, "\(p).branch0", w.b0)
        entries += unit(c, "\(p).branch1.0", input, w.b1a, [1, 1, 1])
        entries += conv3x3(c, "\(p).branch1.1", w.b1a, w.b1b, kernel: 3) + gate(c, "\(p).branch1", w.b1b)
        entries += unit(c, "\(p).branch2.0", input, w.b2a, [1, 1, 1])
        entries += conv3x3(c, "\(p).branch2.1", w.b2a, w.b2b, kernel: 3) + gate(c, "\(p).branch2", w.b2b)
        entries += unit(c, "\(p).branch3.1", input, w.b3b, [1, 1, 1]) + gate(c, "\(p).branch3", w.b3b)
      }
    }
    return entries
  }

  /// The RPN (`conv`, `objectness`, `deltas`, each with a bias) on a `channels`-channel map.
  public static func rpn(_ r: RPNConfiguration, channels: Int = 1024) -> [Entry] {
    let a = r.anchors.anchorsPerPosition
    return [
      ("conv.weight", [r.hiddenChannels, channels, 3, 3]), ("conv.bias", [r.hiddenChannels]),
      ("objectness.weight", [a, r.hiddenChannels, 1, 1]), ("objectness.bias", [a]),
      ("deltas.weight", [4 * a, r.hiddenChannels, 1, 1]), ("deltas.bias", [4 * a]),
    ]
  }

  /// The box head's fully connected layers (`classifier`, `boxes`) on 1024-d ROI features.
  public static func head(_ h: HeadConfiguration, classes: Int, channels: Int = 1024) -> [Entry] {
    let rows = h.classifierRows(classes: classes)
    return [
      ("classifier.weight", [rows, channels]), ("classifier.bias", [rows]),
      ("boxes.weight", [4 * classes, channels]), ("boxes.bias", [4 * classes]),
    ]
  }

  /// Every tensor of a detector checkpoint, with its prefix (`keyframe.`, `context.`, `rpn.`, `head.`).
  public static func detector(_ configuration: DetectorConfiguration) throws -> [Entry] {
    let context = try configuration.contextConfiguration()
    func prefixed(_ prefix: String, _ entries: [Entry]) -> [Entry] {
      entries.map { (prefix + $0.name, $0.shape) }
    }
    return prefixed("keyframe.", resNet50ToLayer3(width: configuration.width))
      + prefixed("context.", s3dg(context, from: .conv2d_1a, to: .mixed_5c))
      + prefixed("rpn.", rpn(configuration.rpn, channels: configuration.keyframeChannels))
      + prefixed(
        "head.",
        head(
          configuration.head, classes: configuration.classes.count,
          channels: configuration.headFeatureChannels))
  }

  static func batchNorm(_ p: String, _ c: Int, scale: Bool) -> [Entry] {
    (scale ? [("\(p).weight", [c])] : []) + [
      ("\(p).bias", [c]), ("\(p).running_mean", [c]), ("\(p).running_var", [c]),
    ]
  }

  static func unit(_ c: S3DGConfiguration, _ p: String, _ input: Int, _ output: Int, _ kernel: [Int])
    -> [Entry]
  {
    [("\(p).0.weight", [output, input] + kernel)] + batchNorm("\(p).1", output, scale: c.batchNormScale)
  }

  static func conv3x3(_ c: S3DGConfiguration, _ p: String, _ input: Int, _ output: Int, kernel k: Int)
    -> [Entry]
  {
    guard c.separable else { return unit(c, p, input, output, [k, k, k]) }
    var entries = unit(c, "\(p).0", input, output, [1, k, k])
    entries.append(("\(p).1.0.weight", [output, output, k, 1, 1]))
    if c.temporalUnit == .bias {
      entries.append(("\(p).1.0.bias", [output]))
    } else {
      entries += batchNorm("\(p).1.1", output, scale: c.batchNormScale)
    }
    return entries
  }

  static func gate(_ c: S3DGConfiguration, _ p: String, _ channels: Int) -> [Entry] {
    switch c.gating {
    case .none: return []
    case .withoutBias: return [("\(p).gate.weight", [channels, channels])]
    case .withBias: return [("\(p).gate.weight", [channels, channels]), ("\(p).gate.bias", [channels])]
    }
  }
}
