import Datasets
import Primitives

/// The draws the synthetic detections need, from Primitives' seeded generator.
extension SplitMix64 {
  /// A uniform value in `0..<1` (24 random bits).
  mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

  /// An integer in `0..<n`: the next output modulo `n` (slightly biased; the benchmark's detections
  /// have always been drawn this way).
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Detections at UCF-101-24 scale: per frame of every test video, a jittered copy of each GT box
/// (90 %), an occasional duplicate, and false positives of random labels, with tubelet scores
/// shared by 7 frames (so ties are frequent).
enum SyntheticDetections {
  /// About `perFrame` detections per test frame, deterministic for a given `seed`.
  static func make(gt: GroundTruth, videos: [String], perFrame: Int, seed: UInt64) -> [FrameDetection] {
    var rng = SplitMix64(seed: seed)
    var out: [FrameDetection] = []
    out.reserveCapacity(videos.count * 180 * perFrame)
    for video in videos {
      guard let annotation = gt.videos[video] else { continue }
      var boxesByFrame: [Int: [(Int, Box)]] = [:]
      for tube in annotation.tubes {
        for (frame, box) in zip(tube.frames, tube.boxes) {
          boxesByFrame[frame, default: []].append((tube.label, box))
        }
      }
      var tubeletScore: [Float] = []
      for frame in 1...max(1, annotation.frameCount) {
        let tubelet = (frame - 1) / 7
        while tubeletScore.count <= tubelet { tubeletScore.append(Float(rng.below(4096) + 1) / 4096) }
        var emitted = 0
        for (label, box) in boxesByFrame[frame] ?? [] where rng.unit() < 0.9 {
          let j = (0..<4).map { _ in (rng.unit() - 0.5) * 16 }
          let moved = Box(x1: box.x1 + j[0], y1: box.y1 + j[1], x2: box.x2 + j[2], y2: box.y2 + j[3])
          out.append(
            FrameDetection(
              video: video, frame: frame, label: gt.labels[label], score: tubeletScore[tubelet], box: moved))
          emitted += 1
          if rng.unit() < 0.1 {
            out.append(
              FrameDetection(
                video: video, frame: frame, label: gt.labels[label], score: tubeletScore[tubelet] * 0.5,
                box: Box(x1: moved.x1 + 3, y1: moved.y1 - 2, x2: moved.x2 + 4, y2: moved.y2 + 1)))
            emitted += 1
          }
        }
        while emitted < perFrame {
          let x = rng.unit() * 250
          let y = rng.unit() * 170
          let box = Box(x1: x, y1: y, x2: x + 20 + rng.unit() * 50, y2: y + 30 + rng.unit() * 50)
          let score = rng.unit() < 0.5 ? tubeletScore[tubelet] : rng.unit()
          out.append(
            FrameDetection(
              video: video, frame: frame, label: gt.labels[rng.below(gt.labels.count)], score: score, box: box
            ))
          emitted += 1
        }
      }
    }
    return out
  }
}
