import Datasets

/// The ground truth of one split as flat arrays, grouped by annotated frame.
///
/// Only frames that hold at least one box get an index, so memory follows the number of boxes,
/// whatever frame numbers or frame counts the file claims. The annotated frames of split video `v`
/// are `frameNumber[videoStart[v] ..< videoStart[v + 1]]` (ascending); the boxes of annotated frame
/// `f` are `frameStart[f] ..< frameStart[f + 1]`, in video, tube and row order (ACT's order).
struct FlatGroundTruth: Sendable {
  /// Offsets into ``frameNumber`` per split video, plus one.
  var videoStart: [Int32]
  /// 1-based frame number of each annotated frame.
  var frameNumber: [Int32]
  /// Frame count each video claims (for warnings only).
  var frameCount: [Int]
  /// CSR offsets into the box arrays, one per annotated frame plus one.
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

  /// Flattens `groundTruth` restricted to `videos`, appending readable warnings to `warnings`.
  init(groundTruth: GroundTruth, videos: [String], warnings: inout [String]) {
    let labelCount = groundTruth.labels.count
    var videoStart: [Int32] = [0]
    var frameNumber: [Int32] = []
    var frameCount: [Int] = []
    var missing: [String] = []
    var badLabel = 0
    var badFrame = 0
    var positives = [Int](repeating: 0, count: labelCount)
    for video in videos {
      var frames: [Int32] = []
      if let annotation = groundTruth.videos[video] {
        for tube in annotation.tubes {
          guard tube.label >= 0 && tube.label < labelCount else {
            badLabel += tube.frames.count
            continue
          }
          positives[tube.label] += tube.frames.count
          for frame in tube.frames {
            if frame >= 1 && frame <= Int(Int32.max) { frames.append(Int32(frame)) } else { badFrame += 1 }
          }
        }
        frameCount.append(annotation.frameCount)
      } else {
        missing.append(video)
        frameCount.append(0)
      }
      frames.sort()
      var previous: Int32 = -1
      for f in frames where f != previous {
        frameNumber.append(f)
        previous = f
      }
      videoStart.append(Int32(frameNumber.count))
    }
    self.videoStart = videoStart
    self.frameNumber = frameNumber
    self.frameCount = frameCount
    self.positives = positives
    self.frameStart = []
    self.label = []
    self.x1 = []
    self.y1 = []
    self.x2 = []
    self.y2 = []
    placeBoxes(groundTruth: groundTruth, videos: videos)
    if !missing.isEmpty {
      warnings.append(
        "\(missing.count) split video(s) have no ground truth entry (first: \(missing[0])); "
          + "their detections count as false positives")
    }
    if badLabel > 0 {
      warnings.append("\(badLabel) ground-truth box(es) have a label outside the label list; ignored")
    }
    if badFrame > 0 {
      warnings.append(
        "\(badFrame) ground-truth box(es) have a frame number outside 1...2147483647; they count as "
          + "positives but no detection can match them")
    }
  }

  /// Fills the CSR box arrays (a counting sort that keeps video, tube and row order).
  private mutating func placeBoxes(groundTruth: GroundTruth, videos: [String]) {
    let labelCount = groundTruth.labels.count
    let frames = frameNumber.count
    var counts = [Int32](repeating: 0, count: frames + 1)
    for (v, video) in videos.enumerated() {
      for tube in groundTruth.videos[video]?.tubes ?? [] where tube.label >= 0 && tube.label < labelCount {
        for frame in tube.frames {
          let f = annotatedFrame(video: v, frame: frame)
          if f >= 0 { counts[Int(f) + 1] += 1 }
        }
      }
    }
    for f in 0..<frames { counts[f + 1] += counts[f] }
    let boxCount = Int(counts[frames])
    var next = counts
    label = [Int32](repeating: 0, count: boxCount)
    x1 = [Float](repeating: 0, count: boxCount)
    y1 = x1
    x2 = x1
    y2 = x1
    for (v, video) in videos.enumerated() {
      for tube in groundTruth.videos[video]?.tubes ?? [] where tube.label >= 0 && tube.label < labelCount {
        for (frame, box) in zip(tube.frames, tube.boxes) {
          let f = Int(annotatedFrame(video: v, frame: frame))
          guard f >= 0 else { continue }
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
    frameStart = counts
  }

  /// The annotated-frame index of 1-based `frame` of split video `video`, or -1 when that frame has
  /// no ground truth (binary search over the video's annotated frames).
  func annotatedFrame(video: Int, frame: Int) -> Int32 {
    guard frame >= 1 && frame <= Int(Int32.max) else { return -1 }
    let target = Int32(frame)
    var lo = Int(videoStart[video])
    var hi = Int(videoStart[video + 1])
    while lo < hi {
      let mid = (lo + hi) >> 1
      if frameNumber[mid] < target { lo = mid + 1 } else { hi = mid }
    }
    return lo < Int(videoStart[video + 1]) && frameNumber[lo] == target ? Int32(lo) : -1
  }
}
