import Foundation
import Networks
import Primitives
import Tensor

/// The region proposal network on the keyframe feature `[1, 1024, H, W]` (stride 16):
/// 3×3 conv (512, bias) + ReLU6, then 1×1 convs to one objectness logit per anchor (`[A, 512, 1, 1]`,
/// sigmoid) and 4 box deltas per anchor (`[4A, 512, 1, 1]`, channel `4a + d`, `d` = dx, dy, dw, dh).
///
/// Tensors `conv.*`, `objectness.*`, `deltas.*` (under `rpn.` in a detector checkpoint); anchors and
/// deltas follow ``Geometry``.
public struct RegionProposalNetwork: Sendable {
  /// Settings.
  public let configuration: RPNConfiguration
  let conv: Convolution
  let objectness: Convolution
  let deltas: Convolution

  /// Loads the three convolutions by name, checking shapes.
  public init(weights: inout WeightStore, configuration: RPNConfiguration, inputChannels: Int = 1024) throws {
    self.configuration = configuration
    let (hidden, a) = (configuration.hiddenChannels, configuration.anchors.anchorsPerPosition)
    conv = Convolution(
      weight: try weights.tensor("conv.weight", shape: [hidden, inputChannels, 3, 3]),
      bias: try weights.tensor("conv.bias", shape: [hidden]), padding: .symmetric([1, 1]), activation: .relu)
    objectness = Convolution(
      weight: try weights.tensor("objectness.weight", shape: [a, hidden, 1, 1]),
      bias: try weights.tensor("objectness.bias", shape: [a]))
    deltas = Convolution(
      weight: try weights.tensor("deltas.weight", shape: [4 * a, hidden, 1, 1]),
      bias: try weights.tensor("deltas.bias", shape: [4 * a]))
  }

  /// Raw outputs: objectness logits `[1, A, H, W]` and deltas `[1, 4A, H, W]`.
  public func callAsFunction(_ feature: Tensor) -> (objectness: Tensor, deltas: Tensor) {
    var hidden = conv(feature)
    hidden.withUnsafeMutableBufferPointer { p in
      for i in p.indices { p[i] = min(p[i], 6) }  // ReLU6 (the ReLU is fused in the conv)
    }
    return (objectness(hidden), deltas(hidden))
  }

  /// Proposals in input pixels of an `imageWidth` × `imageHeight` image, by decreasing objectness:
  /// top ``RPNConfiguration/preNMSTopN`` anchors by logit, decoded, clipped, small boxes dropped,
  /// NMS at ``RPNConfiguration/nmsThreshold``, at most ``RPNConfiguration/proposals``.
  public func proposals(_ feature: Tensor, imageWidth: Int, imageHeight: Int) -> (
    boxes: [Box], scores: [Float]
  ) {
    let (logits, deltaMap) = self(feature)
    return Self.proposals(
      objectness: logits, deltas: deltaMap, configuration: configuration, imageWidth: imageWidth,
      imageHeight: imageHeight)
  }

  /// The proposals of ``proposals(_:imageWidth:imageHeight:)`` from the RPN's outputs: objectness
  /// `[1, A, H, W]` and deltas `[1, 4A, H, W]` (also what training uses, on its own forward's outputs).
  public static func proposals(
    objectness logits: Tensor, deltas deltaMap: Tensor, configuration: RPNConfiguration, imageWidth: Int,
    imageHeight: Int
  ) -> (boxes: [Box], scores: [Float]) {
    let (h, w) = (logits.shape[2], logits.shape[3])
    let anchors = configuration.anchors.anchors(featureHeight: h, featureWidth: w)
    let a = configuration.anchors.anchorsPerPosition
    let plane = h * w
    let scores = logits.scalars  // [A, H, W]
    let d = deltaMap.scalars  // [4A, H, W]
    // Anchor index (position · A + a) → logit at [a, position].
    let anchorScore: (Int) -> Float = { scores[($0 % a) * plane + $0 / a] }
    var order = Array(0..<anchors.count)
    order.sort { anchorScore($0) > anchorScore($1) || (anchorScore($0) == anchorScore($1) && $0 < $1) }
    order = Array(order.prefix(configuration.preNMSTopN))
    var boxes: [Box] = []
    var kept: [Float] = []
    for index in order {
      let (position, k) = (index / a, index % a)
      let delta = SIMD4(
        d[(4 * k) * plane + position], d[(4 * k + 1) * plane + position], d[(4 * k + 2) * plane + position],
        d[(4 * k + 3) * plane + position])
      let box = BoxCoder.fasterRCNN.decode(delta, anchor: anchors[index])
        .clipped(width: Float(imageWidth), height: Float(imageHeight))
      guard box.width >= configuration.minimumSize, box.height >= configuration.minimumSize else { continue }
      boxes.append(box)
      kept.append(anchorScore(index))  // NMS on logits: same order as sigmoid, no saturation ties
    }
    let survivors = NonMaximumSuppression.keep(
      boxes: boxes, scores: kept, iouThreshold: configuration.nmsThreshold, limit: configuration.proposals)
    return (survivors.map { boxes[$0] }, survivors.map { 1 / (1 + exp(-kept[$0])) })
  }
}
