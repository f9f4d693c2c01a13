import Detection
import Foundation
import Media
import Primitives
import Tensor

/// `bench-detector --bf16-accuracy VIDEO...`: the accuracy cost of `--precision bf16` on real clips,
/// with the seeded detector of `detect --random-init` (seed 1, 21 classes; not trained).
///
/// For each video, at keyframes 16 and 40 (or the last frame): the keyframe trunk's `layer3` and the
/// context trunk's `Mixed_4e` (per-clip, 20 frames, full width, 320×400) in bf16 against fp32, as
/// `max|d| / max|fp32|` (L∞ relative) and `mean|d| / mean|fp32|`; then the detections of the whole
/// detector in each precision (each from its own features): for every fp32 detection, the best IoU
/// with a bf16 detection of the same class and the score change to that match.
enum BF16Accuracy {
  /// One keyframe's figures.
  struct Row {
    var video: String
    var keyframe: Int
    var layer3: (max: Double, mean: Double)
    var mixed4e: (max: Double, mean: Double)
    var fp32Count: Int
    var bf16Count: Int
    /// Best same-class IoU of each fp32 detection with the bf16 ones (0 when none).
    var bestIoU: [Double]
    /// |score change| to the best match of each fp32 detection with one.
    var scoreChange: [Double]
  }

  /// Runs the comparison on `videos` with `threads` threads and prints one line per keyframe and a
  /// summary; throws when a video cannot be read or the CPU cannot run bf16.
  static func run(videos: [String], threads: Int) throws {
    Compute.setThreadCount(threads)
    try Compute.setPrecision(.bf16)
    try Compute.setPrecision(.fp32)
    let configuration = DetectorConfiguration(classes: (1...21).map { String(format: "class%02d", $0) })
    var weights = try DetectorCheckpoint.seededStore(configuration, seed: 1)
    let detector = try ActionDetector(weights: &weights, configuration: configuration)
    print(
      "bf16 vs fp32, seeded detector (seed 1, untrained), 320x400, per-clip context (20 frames), \(threads) threads,"
        + " Winograd GEMMs in \(Compute.bf16WinogradDescription)")
    print(
      "video                              key   layer3 max/mean rel   Mixed_4e max/mean rel   dets fp32/bf16"
        + "  IoU>=0.5  min/mean best IoU  max/mean |dscore|")
    var rows: [Row] = []
    for path in videos {
      let reader = try VideoReader(path: path)
      var frames: [RGBImage] = []
      while let frame = try reader.nextFrame(), frames.count < 60 { frames.append(frame) }
      guard !frames.isEmpty else { continue }
      let resized = detector.resized(frames)
      for k in Set([16, 40].map { min($0, frames.count - 1) }).sorted() {
        let row = try compare(
          detector, video: URL(fileURLWithPath: path).lastPathComponent, keyframe: k, frames: resized,
          sourceWidth: reader.width, sourceHeight: reader.height)
        print(row.line)
        rows.append(row)
      }
    }
    let all = (
      layer3: rows.map(\.layer3.max).max() ?? 0, mixed4e: rows.map(\.mixed4e.max).max() ?? 0,
      iou: rows.flatMap(\.bestIoU), score: rows.flatMap(\.scoreChange)
    )
    print(
      String(
        format:
          "all %d keyframes: layer3 max rel %.4f, Mixed_4e max rel %.4f; %d fp32 detections, %.1f %% matched at IoU>=0.5,"
          + " best IoU min %.3f mean %.4f; |score change| max %.4f mean %.5f",
        rows.count, all.layer3, all.mixed4e, all.iou.count,
        100 * Double(all.iou.filter { $0 >= 0.5 }.count) / Double(max(all.iou.count, 1)), all.iou.min() ?? 0,
        mean(all.iou), all.score.max() ?? 0, mean(all.score)))
  }

  /// fp32 and bf16 features and detections of keyframe `k`.
  private static func compare(
    _ detector: ActionDetector, video: String, keyframe k: Int, frames: [RGBImage], sourceWidth: Int,
    sourceHeight: Int
  ) throws -> Row {
    let clip = FrameResizer.tensor(
      detector.clipIndices(keyframe: k, frameCount: frames.count).map { frames[$0] }, video: true)
    let key = FrameResizer.tensor([frames[k]], video: false)
    func pass(_ precision: ComputePrecision) throws -> (Tensor, Tensor, [DetectedAction]) {
      try Compute.setPrecision(precision)
      defer { try? Compute.setPrecision(.fp32) }
      let layer3 = detector.keyframeFeature(key)
      let mixed4e = detector.contextFeature(clip)
      let found = detector.detect(
        resizedKeyframe: frames[k], mixed4e: mixed4e, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
      return (layer3, mixed4e, found)
    }
    let (l32, m32, d32) = try pass(.fp32)
    let (l16, m16, d16) = try pass(.bf16)
    var best: [Double] = []
    var change: [Double] = []
    for d in d32 {
      let match = d16.filter { $0.classIndex == d.classIndex }.max {
        $0.box.iou(with: d.box) < $1.box.iou(with: d.box)
      }
      best.append(match.map { Double($0.box.iou(with: d.box)) } ?? 0)
      if let match { change.append(Double(abs(match.score - d.score))) }
    }
    return Row(
      video: video, keyframe: k, layer3: relativeError(l16, l32), mixed4e: relativeError(m16, m32),
      fp32Count: d32.count, bf16Count: d16.count, bestIoU: best, scoreChange: change)
  }

  /// (`max|a − b| / max|b|`, `mean|a − b| / mean|b|`).
  static func relativeError(_ a: Tensor, _ b: Tensor) -> (max: Double, mean: Double) {
    let (x, y) = (a.scalars, b.scalars)
    var (maxDiff, maxRef, sumDiff, sumRef) = (0.0, 0.0, 0.0, 0.0)
    for i in x.indices {
      let d = Double(abs(x[i] - y[i]))
      maxDiff = max(maxDiff, d)
      maxRef = max(maxRef, Double(abs(y[i])))
      sumDiff += d
      sumRef += Double(abs(y[i]))
    }
    return (maxDiff / max(maxRef, 1e-30), sumDiff / max(sumRef, 1e-30))
  }

  static func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
}

extension BF16Accuracy.Row {
  /// The table line.
  var line: String {
    String(
      format:
        "%@ %4d   %8.4f / %.5f      %8.4f / %.5f      %5d / %-5d  %5.1f %%  %6.3f / %.4f   %7.4f / %.5f",
      video.padding(toLength: 34, withPad: " ", startingAt: 0), keyframe, layer3.max, layer3.mean,
      mixed4e.max,
      mixed4e.mean, fp32Count, bf16Count,
      100 * Double(bestIoU.filter { $0 >= 0.5 }.count) / Double(max(bestIoU.count, 1)), bestIoU.min() ?? 0,
      BF16Accuracy.mean(bestIoU), scoreChange.max() ?? 0, BF16Accuracy.mean(scoreChange))
  }
}
