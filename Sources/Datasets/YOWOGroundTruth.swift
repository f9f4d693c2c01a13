import Foundation
import Primitives

/// YOWO's per-frame ground truth (`groundtruths_jhmdb.zip` / `groundtruths_ucf.zip` of
/// wei-tim/YOWO, extracted): one text file per annotated frame, named `<video>_<frame>.txt` with
/// the video id's `/` written as `_` and a 5-digit 1-based frame
/// (`brush_hair_April_09_brush_hair_u_nm_np1_ba_goo_0_00001.txt`), one line `cls x1 y1 x2 y2` per
/// box with a **1-based** class.
///
/// Boxes are kept exactly as written. They are YOWO's own 1-based MATLAB-style boxes, shifted by
/// +1/+2 px against `JHMDB-GT.pkl` (reference/frame_map_protocols.md §1.4), which is what the `yowo`
/// protocol compares against. Only a directory of extracted files is read: the zip itself mixes
/// stored and deflated members, and inflating would need zlib (extract it with `unzip`).
public struct YOWOGroundTruth: Sendable {
  /// One annotated frame: a video id and a 1-based frame number.
  public struct FrameKey: Hashable, Sendable {
    /// Video id: `class/video` when the class prefix was recognised, else the file's flat stem.
    public var video: String
    /// 1-based frame number.
    public var frame: Int

    /// Creates a key.
    public init(video: String, frame: Int) {
      self.video = video
      self.frame = frame
    }
  }

  /// One ground-truth box of a frame.
  public struct LabeledBox: Hashable, Sendable {
    /// 0-based class index (the file's `cls` minus 1).
    public var label: Int
    /// The box as written (YOWO's 1-based pixel convention).
    public var box: Box

    /// Creates a labelled box.
    public init(label: Int, box: Box) {
      self.label = label
      self.box = box
    }
  }

  /// Annotated frames in file-name order (the order of YOWO's `glob` + `sort`).
  public var frames: [FrameKey]
  /// The boxes of each annotated frame, in line order.
  public var boxes: [FrameKey: [LabeledBox]]

  /// Reads every `*.txt` file of `directory`. With `labels` (class names, e.g.
  /// ``Dataset/classNames``), the flat stem is turned back into a `class/video` id by its longest
  /// matching class prefix, and every `cls` must be in `1...labels.count`.
  ///
  /// - Throws: ``DatasetError``: a file name without `_<frame>.txt`, a malformed line
  ///   (`path:LINE: …`), or an unreadable directory.
  public init(directory: String, labels: [String]? = nil) throws {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".txt") }
        .sorted()
    } catch {
      throw DatasetError.io(path: directory, step: "list directory", reason: "\(error.localizedDescription)")
    }
    var files: [(name: String, contents: [UInt8])] = []
    for name in names { files.append((name, try FileIO.read("\(directory)/\(name)"))) }
    try self.init(files: files, directory: directory, labels: labels)
  }

  /// Parses files already in memory (`name` is the base name); `directory` only names them in errors.
  public init(files: [(name: String, contents: [UInt8])], directory: String = ".", labels: [String]? = nil)
    throws
  {
    let prefixes = (labels ?? []).enumerated().map { ($1 + "_", $1) }.sorted { $0.0.count > $1.0.count }
    var frames: [FrameKey] = []
    var boxes: [FrameKey: [LabeledBox]] = [:]
    for file in files.sorted(by: { $0.name < $1.name }) {
      let path = "\(directory)/\(file.name)"
      let stem = file.name.hasSuffix(".txt") ? String(file.name.dropLast(4)) : file.name
      guard let underscore = stem.lastIndex(of: "_"), let frame = Int(stem[stem.index(after: underscore)...]),
        frame >= 1
      else {
        throw DatasetError.badField(
          path: path, field: "file name", expected: "<video>_<frame>.txt with a frame ≥ 1", found: file.name)
      }
      var video = String(stem[..<underscore])
      if let (prefix, name) = prefixes.first(where: { video.hasPrefix($0.0) }) {
        video = name + "/" + video.dropFirst(prefix.count)
      }
      let key = FrameKey(video: video, frame: frame)
      var list: [LabeledBox] = []
      let text = String(decoding: file.contents, as: UTF8.self)
      for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
      {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if fields.isEmpty { continue }
        guard fields.count == 5, let cls = Int(fields[0]), cls >= 1, cls <= (labels?.count ?? Int.max),
          let x1 = Float(fields[1]), let y1 = Float(fields[2]), let x2 = Float(fields[3]),
          let y2 = Float(fields[4])
        else {
          throw DatasetError.badLine(
            path: path, line: n + 1,
            message:
              "expected \"cls x1 y1 x2 y2\" with cls in 1...\(labels.map { String($0.count) } ?? "∞"), found \"\(line.prefix(80))\""
          )
        }
        list.append(LabeledBox(label: cls - 1, box: Box(x1: x1, y1: y1, x2: x2, y2: y2)))
      }
      if boxes[key] == nil { frames.append(key) }
      boxes[key, default: []].append(contentsOf: list)
    }
    self.frames = frames
    self.boxes = boxes
  }

  /// Total number of boxes.
  public var boxCount: Int { boxes.values.reduce(0) { $0 + $1.count } }
}
