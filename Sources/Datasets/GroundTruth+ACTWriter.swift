extension GroundTruth {
  /// The ground truth as an ACT-format value, the structure of `JHMDB-GT.pkl`:
  ///
  /// ```
  /// {'labels': [str], 'gttubes': {video: {label_index: [float32 array (n, 5): frame, x1, y1, x2, y2]}},
  ///  'nframes': {video: int}, 'train_videos': [[video] per split], 'test_videos': [[video] per split],
  ///  'resolution': {video: (height, width)}}
  /// ```
  ///
  /// Videos are written in ascending id order, label keys ascending, tubes of a label in their
  /// order in ``VideoAnnotation/tubes``; boxes are written as they are (0-based inclusive pixels in
  /// the ACT convention). Reading the result with ``init(actPickle:source:maxBoxes:)`` gives this
  /// ground truth back, tubes grouped by label.
  public var actPickleValue: PickleValue {
    let ids = videos.keys.sorted()
    func stringKeyed(_ value: (String) -> PickleValue) -> PickleValue {
      .dict(ids.map { PickleValue.Entry(key: .string($0), value: value($0)) })
    }
    let tubes = stringKeyed { id in
      let video = videos[id]!
      let labelsUsed = Set(video.tubes.map(\.label)).sorted()
      return .dict(
        labelsUsed.map { label in
          let arrays = video.tubes.filter { $0.label == label }.map { PickleValue.array(Self.rows(of: $0)) }
          return PickleValue.Entry(key: .int(label), value: .list(arrays))
        })
    }
    let splitLists: ([[String]]) -> PickleValue = { splits in
      .list(splits.map { .list($0.map(PickleValue.string)) })
    }
    return .dict([
      .init(key: .string("labels"), value: .list(labels.map(PickleValue.string))),
      .init(key: .string("gttubes"), value: tubes),
      .init(key: .string("nframes"), value: stringKeyed { .int(videos[$0]!.frameCount) }),
      .init(key: .string("train_videos"), value: splitLists(trainVideos)),
      .init(key: .string("test_videos"), value: splitLists(testVideos)),
      .init(
        key: .string("resolution"),
        value: stringKeyed { .tuple([.int(videos[$0]!.height), .int(videos[$0]!.width)]) }),
    ])
  }

  /// Writes ``actPickleValue`` as a protocol-2 pickle (``Pickler``) to a temporary file beside
  /// `path`, then renames it over `path`.
  ///
  /// - Throws: ``DatasetError/io(path:step:reason:)``.
  public func writeACTPickle(to path: String) throws {
    try FileIO.writeAtomically(Pickler.dump(actPickleValue), to: path)
  }

  /// A tube as a float32 `(n, 5)` array of rows `frame, x1, y1, x2, y2`.
  static func rows(of tube: GroundTruthTube) -> NumpyArray {
    var data: [UInt8] = []
    data.reserveCapacity(tube.frames.count * 20)
    for (frame, box) in zip(tube.frames, tube.boxes) {
      for v in [Float(frame), box.x1, box.y1, box.x2, box.y2] {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
      }
    }
    return NumpyArray(dtype: .float32, shape: [tube.frames.count, 5], data: data)
  }
}

extension DatasetLayout {
  /// Writes `lines` (one per line, each ending in a newline) to `path` through a temporary file.
  ///
  /// - Throws: ``DatasetError/io(path:step:reason:)``.
  public static func writeLines(_ lines: [String], to path: String) throws {
    try FileIO.writeAtomically(Array(lines.map { $0 + "\n" }.joined().utf8), to: path)
  }
}
