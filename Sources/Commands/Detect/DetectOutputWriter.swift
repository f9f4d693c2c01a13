import Datasets
import Detection
import Foundation
import Primitives
import Rendering
import Tensor

/// `detect`'s outputs, written while the video is read: frame `f`'s PNG `%05d.png` (showing the boxes
/// of keyframe `(f / every)·every`, which is ≤ `f`, that score at least ``drawThreshold``) as soon as
/// that keyframe's detections are known,
/// and each keyframe's CSV rows through a ``DetectionsCSVStream``. With `drawsFrames` off
/// (`detect --tubes`, which draws the frames after linking) it writes the CSV only.
///
/// Holds only the source frames whose keyframe is not detected yet.
struct DetectOutputWriter {
  /// Output folder.
  let directory: String
  /// Video name in the CSV.
  let videoName: String
  /// Class names, by class index.
  let classes: [String]
  /// Every N-th frame is a keyframe.
  let every: Int
  /// Whether to stamp every frame "UNTRAINED WEIGHTS".
  let untrained: Bool
  /// Whether frames are drawn and written here (off: ``add(frame:_:)`` ignores them).
  let drawsFrames: Bool
  /// Minimum score of a drawn detection (the CSV gets every detection).
  let drawThreshold: Float
  private let csv: DetectionsCSVStream
  /// Source frames read but not written, oldest first.
  private var pending: [(index: Int, image: RGBImage)] = []
  /// The last keyframe detected.
  private var latest: StreamingDetector.Keyframe?
  /// PNGs written.
  private(set) var framesWritten = 0
  /// CSV rows written.
  private(set) var rows = 0

  /// Creates `directory` and the temporary CSV.
  init(
    directory: String, videoName: String, classes: [String], every: Int, untrained: Bool,
    drawsFrames: Bool = true, drawThreshold: Float = 0
  ) throws {
    try OutputDirectory.create(directory)
    self.directory = directory
    self.videoName = videoName
    self.classes = classes
    self.every = max(every, 1)
    self.untrained = untrained
    self.drawsFrames = drawsFrames
    self.drawThreshold = drawThreshold
    csv = try DetectionsCSVStream(path: "\(directory)/detections.csv")
  }

  /// Takes source frame `index` (frames come in order); writes it once its keyframe is detected.
  mutating func add(frame index: Int, _ image: RGBImage) throws {
    guard drawsFrames else { return }
    pending.append((index, image))
    try flush()
  }

  /// Takes the next keyframe's detections (keyframes come in order): CSV rows, then the PNGs waiting
  /// for it. Returns the rows written.
  @discardableResult
  mutating func add(_ keyframe: StreamingDetector.Keyframe) throws -> [FrameDetection] {
    let found = keyframe.detections.map {
      FrameDetection(
        video: videoName, frame: keyframe.index + 1, label: classes[$0.classIndex], score: $0.score,
        box: $0.box)
    }
    try csv.append(found)
    rows += found.count
    latest = keyframe
    try flush()
    return found
  }

  /// Writes `weights.txt` (with a `precision: bf16` line for bf16 runs) and renames the CSV into
  /// place; every frame must have been written.
  mutating func finish(provenance: String, precision: ComputePrecision = .fp32) throws {
    precondition(pending.isEmpty, "DetectOutputWriter.finish: \(pending.count) frames still waiting")
    try csv.commit()
    let note =
      "weights: \(provenance)\n" + (precision == .fp32 ? "" : "precision: \(precision) GEMMs\n")
      + (DetectorCheckpoint.isTrained(provenance: provenance) ? "" : "These are NOT real detections.\n")
    try Data(note.utf8).write(to: URL(fileURLWithPath: "\(directory)/weights.txt"), options: .atomic)
  }

  /// Writes the waiting frames whose keyframe is ``latest``.
  private mutating func flush() throws {
    guard let latest else { return }
    var written = 0
    for (index, frame) in pending {
      guard (index / every) * every == latest.index else { break }
      var image = frame
      for d in latest.detections.reversed() where d.score >= drawThreshold {
        let name = classes[d.classIndex]
        image.drawLabelledBox(
          d.box, text: "\(name) \(String(format: "%.2f", d.score))", colour: Palette.colour(forClass: name))
      }
      if untrained { image.drawBanner("UNTRAINED WEIGHTS - NOT REAL DETECTIONS") }
      try image.writePNG(to: "\(directory)/\(String(format: "%05d", index + 1)).png")
      written += 1
    }
    pending.removeFirst(written)
    framesWritten += written
  }
}
