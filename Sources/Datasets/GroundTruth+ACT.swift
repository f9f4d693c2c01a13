import Primitives

extension GroundTruth {
  /// Reads an ACT-format ground-truth pickle (`JHMDB-GT.pkl`, `UCF101v2-GT.pkl`).
  ///
  /// Box convention: exactly the file's values, which are 0-based **inclusive** pixel indices
  /// (`x2 = 319` is the last column of a 320-wide frame; ACT's IoU adds 1). Frames are the file's
  /// 1-based frame numbers. Tubes keep the file's order (label-key order, then list order).
  ///
  /// - Throws: ``DatasetError`` naming the file and the field that is wrong; a refused or corrupt
  ///   pickle gives ``DatasetError/pickle(path:_:)``. A file whose memo references repeat the same
  ///   arrays into more boxes than it has bytes is refused too (a real file needs ≥ 20 bytes a box).
  public init(actPickleAt path: String) throws {
    let (root, byteCount) = try Unpickler.loadFile(path)
    try self.init(actPickle: root, source: path, maxBoxes: byteCount)
  }

  /// Builds the ground truth from an already unpickled ACT-format value; `source` names it in
  /// errors, and more than `maxBoxes` boxes in all throws (shared references can multiply them).
  public init(actPickle root: PickleValue, source: String, maxBoxes: Int = .max) throws {
    let f = PickleFields(path: source)
    let top = Dictionary(try f.stringKeyed(root, "top level"), uniquingKeysWith: { _, last in last })
    let labels = try f.strings(top["labels"], "labels")
    let train = try f.sequence(top["train_videos"], "train_videos").enumerated().map {
      try f.strings($1, "train_videos[\($0)]")
    }
    let test = try f.sequence(top["test_videos"], "test_videos").enumerated().map {
      try f.strings($1, "test_videos[\($0)]")
    }
    var resolution: [String: (height: Int, width: Int)] = [:]
    for (video, value) in try f.stringKeyed(top["resolution"], "resolution") {
      let hw = try f.sequence(value, "resolution[\(video)]")
      guard hw.count == 2, let h = hw[0].asInt, let w = hw[1].asInt, h > 0, w > 0 else {
        throw f.bad("resolution[\(video)]", "(height, width)", value)
      }
      resolution[video] = (h, w)
    }
    var tubesByVideo: [String: [GroundTruthTube]] = [:]
    var boxesLeft = maxBoxes
    for (video, value) in try f.stringKeyed(top["gttubes"], "gttubes") {
      var tubes: [GroundTruthTube] = []
      for entry in try f.entries(value, "gttubes[\(video)]") {
        let field = "gttubes[\(video)][\(entry.key.asInt.map(String.init) ?? "?")]"
        let label = try f.int(entry.key, "\(field) key")
        guard labels.indices.contains(label) else {
          throw DatasetError.badField(
            path: source, field: field, expected: "label in 0..<\(labels.count)", found: "\(label)")
        }
        for (k, item) in try f.sequence(entry.value, field).enumerated() {
          boxesLeft -= (item.asArray?.shape.first ?? 0)
          guard boxesLeft >= 0 else {
            throw DatasetError.badField(
              path: source, field: field, expected: "at most \(maxBoxes) boxes in all", found: "more")
          }
          tubes.append(
            try Self.actTube(
              try f.matrix(item, "\(field)[\(k)]", columns: 5), label: label,
              field: "\(field)[\(k)]", fields: f))
        }
      }
      tubesByVideo[video] = tubes
    }
    var videos: [String: VideoAnnotation] = [:]
    for (video, value) in try f.stringKeyed(top["nframes"], "nframes") {
      let count = try f.int(value, "nframes[\(video)]")
      guard count >= 0 else {
        throw DatasetError.badField(
          path: source, field: "nframes[\(video)]", expected: "≥ 0", found: "\(count)")
      }
      guard let size = resolution[video] else {
        throw DatasetError.badField(
          path: source, field: "resolution[\(video)]", expected: "(height, width)",
          found: "nothing")
      }
      videos[video] = VideoAnnotation(
        frameCount: count, height: size.height, width: size.width, tubes: tubesByVideo[video] ?? [])
    }
    for video in tubesByVideo.keys where videos[video] == nil {
      throw DatasetError.badField(path: source, field: "nframes[\(video)]", expected: "int", found: "nothing")
    }
    for (name, splits) in [("train_videos", train), ("test_videos", test)] {
      for (s, list) in splits.enumerated() {
        if let missing = list.first(where: { videos[$0] == nil }) {
          throw DatasetError.badField(
            path: source, field: "\(name)[\(s)]", expected: "videos listed in nframes", found: missing)
        }
      }
    }
    self.init(labels: labels, trainVideos: train, testVideos: test, videos: videos)
  }

  /// One tube from an `(n, 5)` array of rows `frame, x1, y1, x2, y2`.
  private static func actTube(_ array: NumpyArray, label: Int, field: String, fields f: PickleFields) throws
    -> GroundTruthTube
  {
    let values = array.doubles()
    let rows = array.shape[0]
    var frames: [Int] = []
    var boxes: [Box] = []
    frames.reserveCapacity(rows)
    boxes.reserveCapacity(rows)
    for r in 0..<rows {
      let v = r * 5  // row r is values[v ..< v + 5]: frame, x1, y1, x2, y2
      guard let frame = Int(exactly: values[v]), frame >= 1 else {
        throw DatasetError.badField(
          path: f.path, field: "\(field) row \(r)", expected: "a frame number ≥ 1", found: "\(values[v])")
      }
      frames.append(frame)
      boxes.append(
        Box(
          x1: Float(values[v + 1]), y1: Float(values[v + 2]), x2: Float(values[v + 3]),
          y2: Float(values[v + 4])))
    }
    return GroundTruthTube(label: label, frames: frames, boxes: boxes)
  }
}
