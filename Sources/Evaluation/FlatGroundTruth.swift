import Datasets

/// The ground truth of one split as flat arrays, grouped by frame.
///
/// Every frame of every split video gets a global index `frameBase[video] + frame - 1`. The boxes of
/// a frame are `frameStart[f] ..< frameStart[f + 1]`, in video, tube and row order (ACT's order).
struct FlatGroundTruth: Sendable {
  /// First global frame index of each split video.
  var frameBase: [Int32]
  /// Frames per split video: the larger of the video's frame count and its last annotated frame.
  var frameSpan: [Int32]
  /// CSR offsets into the box arrays, one per global frame plus one.
  var frameStart: [Int32]
  /// Label of each box.
  var label: [Int32]
  /// Box corners, 0-based pixels as read.
  var x1: [Float]
  var y1: [Float]
  var x2: [Float]
  var y2: [Float]
  /// Positives per label (every ground-truth row of a split video, matchable or not).
  var positives: [Int]
  /// Number of global frames.
  var frameCount: Int { frameStart.count - 1 }

  /// Flattens `groundTruth` restricted to `videos`, appending readable warnings to `warnings`.
  init(groundTruth: GroundTruth, videos: [String], warnings: inout [String]) {
    let labelCount = groundTruth.labels.count
    var base: [Int32] = []
    var span: [Int32] = []
    base.reserveCapacity(videos.count)
    span.reserveCapacity(videos.count)
    var total = 0
    var missing: [String] = []
    var badLabel = 0
    var badFrame = 0
    for video in videos {
      var frames = 0
      if let annotation = groundTruth.videos[video] {
        frames = max(0, annotation.frameCount)
        for tube in annotation.tubes { frames = max(frames, tube.frames.last ?? 0) }
      } else {
        missing.append(video)
      }
      base.append(Int32(clamping: total))
      span.append(Int32(clamping: frames))
      total += frames
    }
    // Count boxes per frame, then place them (a counting sort that keeps video/tube/row order).
    var counts = [Int32](repeating: 0, count: total + 1)
    var positives = [Int](repeating: 0, count: labelCount)
    for (v, video) in videos.enumerated() {
      guard let annotation = groundTruth.videos[video] else { continue }
      for tube in annotation.tubes {
        guard tube.label >= 0 && tube.label < labelCount else {
          badLabel += tube.frames.count
          continue
        }
        positives[tube.label] += tube.frames.count
        for frame in tube.frames where frame >= 1 {
          counts[Int(base[v]) + frame - 1 + 1] += 1
        }
        badFrame += tube.frames.count { $0 < 1 }
      }
    }
    for f in 0..<total { counts[f + 1] += counts[f] }
    let boxCount = Int(counts[total])
    var next = counts
    var label = [Int32](repeating: 0, count: boxCount)
    var x1 = [Float](repeating: 0, count: boxCount)
    var y1 = x1
    var x2 = x1
    var y2 = x1
    for (v, video) in videos.enumerated() {
      guard let annotation = groundTruth.videos[video] else { continue }
      for tube in annotation.tubes where tube.label >= 0 && tube.label < labelCount {
        for (frame, box) in zip(tube.frames, tube.boxes) where frame >= 1 {
          let f = Int(base[v]) + frame - 1
          let slot = Int(next[f])
          next[f] += 1
          label[slot] = Int32(tube.label)
          x1[slot] = box.x1
          y1[slot] = box.y1
          x2[slot] = box.x2
          y2[slot] = box.y2
        }
      }
    }
    if !missing.isEmpty {
      warnings.append(
        "\(missing.count) split video(s) have no ground truth entry (first: \(missing[0])); "
          + "they have no frames, so their detections count as false positives")
    }
    if badLabel > 0 {
      warnings.append("\(badLabel) ground-truth box(es) have a label outside the label list; ignored")
    }
    if badFrame > 0 {
      warnings.append(
        "\(badFrame) ground-truth box(es) have a frame number < 1; they count as positives but "
          + "no detection can match them")
    }
    self.frameBase = base
    self.frameSpan = span
    self.frameStart = counts
    self.label = label
    self.x1 = x1
    self.y1 = y1
    self.x2 = x2
    self.y2 = y2
    self.positives = positives
  }
}
