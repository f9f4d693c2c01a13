import Primitives

/// How ``GroundTruth/init(pyannotAt:testListAt:labels:boxConvention:)`` turns a pyannot box
/// `[x, y, w, h]` (1-based, `x ≥ 1`, `x + w ≤ 320`) into `x1, y1, x2, y2`.
public enum PyannotBoxConvention: String, Sendable, CaseIterable {
  /// `x1 = x, y1 = y, x2 = x + w, y2 = y + h`: what the annotations' author does in his own
  /// loader (gurkirt/realtime-action-detection `data/ucf24.py`, `make_lists`: `box[2] += box[0]`,
  /// `box[3] += box[1]` after casting to float32), and what the pyannot format description in
  /// realtime-action-detection issue #11 says. The default.
  case road
  /// `x1 = x - 1, y1 = y - 1, x2 = x + w - 1, y2 = y + h - 1`: the same box moved to 0-based
  /// indices, which puts coordinates in 0…319 × 0…239 like `JHMDB-GT.pkl`. Unverified against
  /// `UCF101v2-GT.pkl`; offered for comparison.
  case zeroBased
}

extension GroundTruth {
  /// Reads the corrected UCF-101-24 annotations (`pyannot.pkl` of gurkirt/corrected-UCF101-Annots)
  /// with the split-1 test list (`testlist01.txt`), in the same shape as the ACT pickles.
  ///
  /// - Labels: `labels` (default the 24 UCF-101-24 classes, alphabetical); each video's `label`
  ///   must name its folder (`Basketball/v_Basketball_g01_c01` → `Basketball`).
  /// - Frames: a tube with 0-based start `sf` and exclusive end `ef` covers 1-based frames
  ///   `sf + 1 … ef`, one box per frame (`boxes.count == ef - sf` is checked).
  /// - Boxes: integer `x, y, w, h` stored as `u1` or `u2`, widened to `Int` before `x + w` (so
  ///   nothing wraps at 255), then mapped by `boxConvention` (default ``PyannotBoxConvention/road``:
  ///   `x1 = x, x2 = x + w`). The exact conversion behind `UCF101v2-GT.pkl` is not public; see
  ///   ``PyannotBoxConvention`` for the evidence.
  /// - Splits: one split; test = the list's videos in list order; train = every other video,
  ///   sorted by name. Without a test list (`nil`) every video is a training video. Resolution
  ///   240 × 320 for every video.
  ///
  /// - Throws: ``DatasetError`` naming the file and field (or test-list line) that is wrong, or
  ///   more boxes than the file has bytes (memo references repeating arrays).
  public init(
    pyannotAt path: String, testListAt testListPath: String?, labels: [String] = Dataset.ucf24.classNames,
    boxConvention: PyannotBoxConvention = .road
  ) throws {
    let (root, byteCount) = try Unpickler.loadFile(path)
    var boxesLeft = byteCount  // a real box costs ≥ 4 bytes; repeated memo references could cost none
    let f = PickleFields(path: path)
    var videos: [String: VideoAnnotation] = [:]
    for (video, value) in try f.stringKeyed(root, "top level") {
      let fields = Dictionary(try f.stringKeyed(value, video), uniquingKeysWith: { _, last in last })
      let label = try f.int(fields["label"], "\(video).label")
      let folder = video.split(separator: "/").first.map(String.init) ?? video
      guard labels.indices.contains(label), labels[label] == folder else {
        throw DatasetError.badField(
          path: path, field: "\(video).label", expected: "the index of \(folder) in the label list",
          found: "\(label)")
      }
      let frameCount = try f.int(fields["numf"], "\(video).numf")
      var tubes: [GroundTruthTube] = []
      for (k, tube) in try f.sequence(fields["annotations"], "\(video).annotations").enumerated() {
        boxesLeft -= tube["boxes"]?.asArray?.shape.first ?? 0
        guard boxesLeft >= 0 else {
          throw DatasetError.badField(
            path: path, field: "\(video).annotations", expected: "at most \(byteCount) boxes in all",
            found: "more")
        }
        tubes.append(
          try Self.pyannotTube(
            tube, field: "\(video).annotations[\(k)]", frameCount: frameCount,
            labelCount: labels.count, convention: boxConvention, fields: f))
      }
      videos[video] = VideoAnnotation(frameCount: frameCount, height: 240, width: 320, tubes: tubes)
    }
    let test = try testListPath.map { try FileIO.lines($0) } ?? []
    if let missing = test.firstIndex(where: { videos[$0] == nil }), let testListPath {
      throw DatasetError.badLine(
        path: testListPath, line: missing + 1, message: "video \(test[missing]) is not in \(path)")
    }
    let testSet = Set(test)
    let train = videos.keys.filter { !testSet.contains($0) }.sorted()
    self.init(labels: labels, trainVideos: [train], testVideos: [test], videos: videos)
  }

  /// One tube from `{'label', 'sf', 'ef', 'boxes'}`.
  private static func pyannotTube(
    _ value: PickleValue, field: String, frameCount: Int, labelCount: Int,
    convention: PyannotBoxConvention, fields f: PickleFields
  ) throws -> GroundTruthTube {
    let tube = Dictionary(try f.stringKeyed(value, field), uniquingKeysWith: { _, last in last })
    let label = try f.int(tube["label"], "\(field).label")
    let sf = try f.int(tube["sf"], "\(field).sf")
    let ef = try f.int(tube["ef"], "\(field).ef")
    let array = try f.matrix(tube["boxes"], "\(field).boxes", columns: 4)
    guard (0..<labelCount).contains(label) else {
      throw DatasetError.badField(
        path: f.path, field: "\(field).label", expected: "0..<\(labelCount)",
        found: "\(label)")
    }
    guard 0 <= sf, sf <= ef, ef <= frameCount, array.shape[0] == ef - sf else {
      throw DatasetError.badField(
        path: f.path, field: field, expected: "0 ≤ sf ≤ ef ≤ numf (\(frameCount)) and ef - sf boxes",
        found: "sf \(sf), ef \(ef), \(array.shape[0]) boxes")
    }
    guard let v = array.ints() else {
      throw DatasetError.badField(
        path: f.path, field: "\(field).boxes", expected: "an integer array",
        found: array.dtype.rawValue)
    }
    let shift = convention == .zeroBased ? 1 : 0
    let n = ef - sf
    var boxes: [Box] = []
    var frames: [Int] = []
    boxes.reserveCapacity(n)
    frames.reserveCapacity(n)
    var r = 0
    while r < n {  // a plain loop: debug builds are slow on range-copying generics
      let (x, y, w, h) = (v[4 * r], v[4 * r + 1], v[4 * r + 2], v[4 * r + 3])
      boxes.append(
        Box(x1: Float(x - shift), y1: Float(y - shift), x2: Float(x + w - shift), y2: Float(y + h - shift)))
      frames.append(sf + 1 + r)
      r += 1
    }
    return GroundTruthTube(label: label, frames: frames, boxes: boxes)
  }
}
