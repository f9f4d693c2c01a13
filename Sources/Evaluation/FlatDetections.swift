import Datasets

/// The detections of one split as flat arrays, grouped by label.
///
/// Rows are ordered by label, then canonically within a label: video in split order, frame
/// ascending, file order within a frame. The rows of label `c` are `labelStart[c] ..< labelStart[c + 1]`.
struct FlatDetections: Sendable {
  /// CSR offsets per label.
  var labelStart: [Int]
  /// Annotated-frame index (see ``FlatGroundTruth``), or -1 when the frame has no ground truth.
  var frame: [Int32]
  /// Confidence, with -0 normalised to +0.
  var score: [Float]
  /// Box corners in pixels.
  var x1: [Float]
  var y1: [Float]
  var x2: [Float]
  var y2: [Float]
  /// Rows whose box has `x2 < x1` or `y2 < y1`.
  var invertedCount: Int
  /// Rows whose box has zero width or height (`x2 == x1` or `y2 == y1`).
  var zeroAreaCount: Int

  /// Flattens `detections`, dropping (with a warning) rows that cannot be evaluated.
  init(
    detections: [FrameDetection], labels: [String], videos: [String], groundTruth: FlatGroundTruth,
    warnings: inout [String]
  ) {
    var labelIndex: [String: Int32] = [:]
    for (i, name) in labels.enumerated() where labelIndex[name] == nil { labelIndex[name] = Int32(i) }
    var videoIndex: [String: Int32] = [:]
    for (i, name) in videos.enumerated() where videoIndex[name] == nil { videoIndex[name] = Int32(i) }

    // Pass 1: resolve names, drop what cannot be evaluated, build canonical sort keys.
    var keys: [UInt64] = []
    var rowLabel: [Int32] = []
    var rowFrame: [Int32] = []
    var rowBox: [SIMD4<Float>] = []
    var rowScore: [Float] = []
    rowBox.reserveCapacity(detections.count)
    rowScore.reserveCapacity(detections.count)
    keys.reserveCapacity(detections.count)
    rowLabel.reserveCapacity(detections.count)
    rowFrame.reserveCapacity(detections.count)
    var unknownLabels: [String: Int] = [:]
    var outsideSplit: [String: Int] = [:]
    var nanScores = 0
    var outsideVideo = 0
    var lastVideo = ""
    var lastVideoIndex: Int32 = -1
    var lastLabel = ""
    var lastLabelIndex: Int32 = -1
    for detection in detections {
      if detection.label != lastLabel || lastLabelIndex < 0 {
        lastLabel = detection.label
        lastLabelIndex = labelIndex[detection.label] ?? -1
      }
      if detection.video != lastVideo || lastVideoIndex < 0 {
        lastVideo = detection.video
        lastVideoIndex = videoIndex[detection.video] ?? -1
      }
      guard lastLabelIndex >= 0 else {
        unknownLabels[detection.label, default: 0] += 1
        continue
      }
      guard lastVideoIndex >= 0 else {
        outsideSplit[detection.video, default: 0] += 1
        continue
      }
      guard !detection.score.isNaN else {
        nanScores += 1
        continue
      }
      let v = Int(lastVideoIndex)
      if detection.frame < 1 || detection.frame > groundTruth.frameCount[v] { outsideVideo += 1 }
      let global = groundTruth.annotatedFrame(video: v, frame: detection.frame)
      let frameKey = UInt64(UInt32(bitPattern: Int32(clamping: detection.frame)) ^ 0x8000_0000)
      keys.append(UInt64(lastVideoIndex) << 32 | frameKey)
      rowLabel.append(lastLabelIndex)
      rowFrame.append(global)
      let box = detection.box
      rowBox.append(SIMD4(box.x1, box.y1, box.x2, box.y2))
      rowScore.append(detection.score == 0 ? 0 : detection.score)
    }
    Self.warnAboutDrops(
      unknownLabels: unknownLabels, outsideSplit: outsideSplit, nanScores: nanScores,
      outsideVideo: outsideVideo, warnings: &warnings)

    // Pass 2: canonical order (a stable sort by video and frame), skipped when already in order.
    var order = Array(0..<rowLabel.count)
    var sorted = true
    for i in keys.indices.dropFirst() where keys[i] < keys[i - 1] {
      sorted = false
      break
    }
    if !sorted {
      order.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
    }

    // Pass 3: a stable counting sort by label into the final arrays.
    var start = [Int](repeating: 0, count: labels.count + 1)
    for l in rowLabel { start[Int(l) + 1] += 1 }
    for c in 0..<labels.count { start[c + 1] += start[c] }
    var next = start
    let n = rowLabel.count
    var frame = [Int32](repeating: 0, count: n)
    var score = [Float](repeating: 0, count: n)
    var x1 = [Float](repeating: 0, count: n)
    var y1 = x1
    var x2 = x1
    var y2 = x1
    var inverted = 0
    var zeroArea = 0
    for i in order {
      let box = rowBox[i]
      let slot = next[Int(rowLabel[i])]
      next[Int(rowLabel[i])] += 1
      frame[slot] = rowFrame[i]
      score[slot] = rowScore[i]
      x1[slot] = box[0]
      y1[slot] = box[1]
      x2[slot] = box[2]
      y2[slot] = box[3]
      if box[2] < box[0] || box[3] < box[1] {
        inverted += 1
      } else if box[2] == box[0] || box[3] == box[1] {
        zeroArea += 1
      }
    }
    self.labelStart = start
    self.frame = frame
    self.score = score
    self.x1 = x1
    self.y1 = y1
    self.x2 = x2
    self.y2 = y2
    self.invertedCount = inverted
    self.zeroAreaCount = zeroArea
  }

  private static func warnAboutDrops(
    unknownLabels: [String: Int], outsideSplit: [String: Int], nanScores: Int, outsideVideo: Int,
    warnings: inout [String]
  ) {
    if !unknownLabels.isEmpty {
      let total = unknownLabels.values.reduce(0, +)
      let names = unknownLabels.keys.sorted().prefix(5).joined(separator: ", ")
      warnings.append("\(total) detection(s) with a label not in the label list were ignored (\(names))")
    }
    if !outsideSplit.isEmpty {
      let total = outsideSplit.values.reduce(0, +)
      let first = outsideSplit.keys.sorted()[0]
      warnings.append(
        "\(total) detection(s) on \(outsideSplit.count) video(s) outside the split were ignored "
          + "(first: \(first))")
    }
    if nanScores > 0 {
      warnings.append("\(nanScores) detection(s) with a NaN score were ignored")
    }
    if outsideVideo > 0 {
      warnings.append(
        "\(outsideVideo) detection(s) have a frame number outside 1...frames of their video; no ground "
          + "truth lies there, so they are false positives (yowo: not evaluated)")
    }
  }
}
