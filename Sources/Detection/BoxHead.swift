import Dispatch
import Foundation
import Networks
import Primitives
import Tensor

/// The second stage on the context feature `Mixed_4e` `[1, 528, T, H, W]` (see ``HeadConfiguration``):
/// ROI pooling, the S3D-G tail (`Mixed_4f`, `MaxPool_5a`, `Mixed_5b`, `Mixed_5c`, tensors
/// `features.12`, `features.14`, `features.15` of the context trunk), a mean over T, H, W, then
/// `classifier` and `boxes` (fully connected, on 1024-d features).
public struct BoxHead: Sendable {
  /// Settings.
  public let configuration: HeadConfiguration
  /// Number of classes (without background).
  public let classes: Int
  let mixed4f: S3DG
  let mixed5: S3DG
  let tfSame: Bool
  let classifier: Linear
  /// Width of the ROI features (`Mixed_5c` channels: 1024 at full width).
  public let featureChannels: Int
  let boxes: Linear
  /// ROIs run through the per-ROI tail at once (bounds the memory of the tail's activations).
  public var chunkSize = 50
  /// Whether per-ROI chunks run concurrently with single-threaded kernels (see `perROIFeatures`).
  public var concurrentChunks = true

  /// Loads the tail under `tailPrefix` (names `features.12/14/15.*`) and the layers under `headPrefix`
  /// (`classifier.*`, `boxes.*`), checking every shape; `weights.prefix` is restored afterwards.
  public init(
    weights: inout WeightStore, tailPrefix: String = "context.", headPrefix: String = "head.",
    context: S3DGConfiguration, configuration: HeadConfiguration, classes: Int
  ) throws {
    self.configuration = configuration
    self.classes = classes
    let saved = weights.prefix
    defer { weights.prefix = saved }
    weights.prefix = tailPrefix
    mixed4f = try S3DG(weights: &weights, configuration: context.stages(.mixed_4f, .mixed_4f))
    mixed5 = try S3DG(weights: &weights, configuration: context.stages(.mixed_5b, .mixed_5c))
    weights.prefix = headPrefix
    tfSame = context.padding == .tfSame
    let rows = configuration.classifierRows(classes: classes)
    featureChannels = context.width.channels(1024)
    classifier = Linear(
      weight: try weights.tensor("classifier.weight", shape: [rows, featureChannels]),
      bias: try weights.tensor("classifier.bias", shape: [rows]))
    boxes = Linear(
      weight: try weights.tensor("boxes.weight", shape: [4 * classes, featureChannels]),
      bias: try weights.tensor("boxes.bias", shape: [4 * classes]))
  }

  /// `Mixed_4f` → `MaxPool_5a` → `Mixed_5b` → `Mixed_5c` on `[n, 528, T, H, W]`.
  ///
  /// `MaxPool_5a` is 2×2×2 / 2 (TF SAME or floor as the trunk's padding mode); on a single time step
  /// (time-averaged ROIs) its temporal extent is 1 so that symmetric padding keeps the step.
  public func tail(_ x: Tensor) -> Tensor {
    let y = mixed4f(x)
    let kt = y.shape[2] >= 2 ? 2 : 1
    let pool = MaxPool(kernel: [kt, 2, 2], stride: [kt, 2, 2], padding: tfSame ? .same : .valid)
    return mixed5(pool(y))
  }

  /// 1024-d features of every proposal (`[R, 1024]`), per the configured variant.
  public func features(mixed4e: Tensor, proposals: [Box]) -> Tensor {
    switch configuration.tail {
    case .shared:
      let mixed5c = tail(mixed4e)
      return configuration.crop.mean(mixed5c, boxes: proposals)
    case .perROI:
      return perROIFeatures(mixed4e: mixed4e, proposals: proposals)
    }
  }

  /// Class scores `[R][classes]` (background removed) and class-specific deltas `[R][classes]`.
  public func callAsFunction(mixed4e: Tensor, proposals: [Box]) -> (
    scores: [[Float]], deltas: [[SIMD4<Float>]]
  ) {
    guard !proposals.isEmpty else { return ([], []) }
    return outputs(features: features(mixed4e: mixed4e, proposals: proposals), count: proposals.count)
  }

  /// The fully connected layers and post-processing on ROI features `[R, 1024]`; `width` × `height` is
  /// the image the proposals live in (the network input, 400 × 320 by default).
  public func classify(
    features x: Tensor, proposals: [Box], postProcessing: PostProcessing, width: Float = 400,
    height: Float = 320
  ) -> [DetectedAction] {
    let (scores, deltas) = outputs(features: x, count: proposals.count)
    return postProcessing(
      proposals: proposals, scores: scores, deltas: deltas, coder: .fasterRCNN, width: width, height: height)
  }

  /// Scores and deltas from ROI features `[count, 1024]`.
  func outputs(features x: Tensor, count: Int) -> (scores: [[Float]], deltas: [[SIMD4<Float>]]) {
    let logits = classifier(x).scalars
    let d = boxes(x).scalars
    let rows = configuration.classifierRows(classes: classes)
    var scores: [[Float]] = []
    var deltas: [[SIMD4<Float>]] = []
    for r in 0..<count {
      let row = Array(logits[(r * rows)..<((r + 1) * rows)])
      scores.append(Self.score(row, configuration.scoring))
      deltas.append(
        (0..<classes).map { k in
          let o = r * 4 * classes + 4 * k
          return SIMD4(d[o], d[o + 1], d[o + 2], d[o + 3])
        })
    }
    return (scores, deltas)
  }

  /// Softmax without the background column 0, or element-wise sigmoid.
  static func score(_ logits: [Float], _ scoring: HeadConfiguration.Scoring) -> [Float] {
    switch scoring {
    case .sigmoid:
      return logits.map { 1 / (1 + exp(-$0)) }
    case .softmax:
      let top = logits.max() ?? 0
      let e = logits.map { exp($0 - top) }
      let total = e.reduce(0, +)
      return e.dropFirst().map { $0 / total }
    }
  }

  /// The per-ROI tail in chunks of ``chunkSize`` ROIs. With several compute threads, the chunks run
  /// concurrently, one per thread, each with single-threaded kernels: the tail's GEMMs are small
  /// (one per ROI, `n` = 5·7·7), and splitting one small GEMM over threads costs more than it gains.
  func perROIFeatures(mixed4e: Tensor, proposals: [Box]) -> Tensor {
    let chunks = stride(from: 0, to: proposals.count, by: chunkSize).map {
      Array(proposals[$0..<min($0 + chunkSize, proposals.count)])
    }
    let width = featureChannels
    var output = Tensor(shape: [proposals.count, width])
    let threads = Compute.threadCount
    let run: (Int, UnsafeMutablePointer<Float>) -> Void = { index, out in
      let rows = self.tail(self.configuration.crop(mixed4e, boxes: chunks[index])).globalMean()
      rows.withUnsafeBufferPointer {
        (out + index * self.chunkSize * width).update(from: $0.baseAddress!, count: $0.count)
      }
    }
    output.withUnsafeMutableBufferPointer { buffer in
      let out = UncheckedBox(buffer.baseAddress!)
      guard concurrentChunks, threads > 1, chunks.count > 1 else {
        for index in chunks.indices { run(index, out.value) }
        return
      }
      let work = UncheckedBox(run)
      let precision = Compute.precision
      DispatchQueue.concurrentPerform(iterations: threads) { worker in
        Compute.withThreadCount(1, precision: precision) {
          for index in stride(from: worker, to: chunks.count, by: threads) { work.value(index, out.value) }
        }
      }
    }
    return output
  }
}
