import ArgumentParser
import Foundation
import Synthetic

/// Generates the synthetic action benchmark: articulated 2-D figures acting over procedural
/// scenes, in the JHMDB layout with an ACT-format ground-truth pickle.
///
/// ```
/// $ make-synthetic-actions --out synthetic/ --videos 200 --seed 1
/// synthetic/: 200 videos (140 train, 60 test), 11968 frames, 291 tubes, 10213 boxes (95.2 s)
/// $ make-synthetic-actions --out synthetic/ --videos 0 --seed 1
/// Error: --videos must be 1...100000, got 0
/// ```
public struct MakeSyntheticActions: ParsableCommand {
  /// The command's name, abstract, help and examples.
  public static let configuration = CommandConfiguration(
    commandName: "make-synthetic-actions",
    abstract: "Generate synthetic action videos (JPEG frames) with exact ground-truth tubes.",
    discussion: """
      Writes, under OUT:
        Frames/<label>/<video>/00001.jpg ...   320x240 frames, 40-80 per video
        Synthetic-GT.pkl                       ground truth in the ACT format of JHMDB-GT.pkl
        labels.txt, trainlist01.txt, testlist01.txt

      Ten actions, one per video in turn: clap, jump, kick, punch, run, sit_down, squat, \
      stand_up, walk, wave. Each video has 1-3 figures; boxes are the tight box of a figure's \
      visible pixels on its action frames (idle frames and bystanders are not annotated). The \
      same arguments always give byte-identical files.

      The last --test-videos videos (or round(--split-ratio x N), default 0.3) form the test list.

      Example:
        make-synthetic-actions --out synthetic/ --videos 200 --seed 1
      """)

  /// Output folder.
  @Option(help: "Folder to write the dataset into (created if missing).")
  public var out: String

  /// Number of videos.
  @Option(help: "Number of videos to generate.")
  public var videos: Int

  /// Random seed.
  @Option(help: "Seed; the same seed and arguments give identical output.")
  public var seed: UInt64

  /// Fraction of test videos.
  @Option(help: "Fraction of the videos in the test list (0...1), unless --test-videos is given.")
  public var splitRatio: Double = 0.3

  /// Exact number of test videos.
  @Option(help: "Number of test videos (the last ones); overrides --split-ratio.")
  public var testVideos: Int?

  /// Creates the command with no arguments (ArgumentParser fills them in).
  public init() {}

  /// The generator configuration these arguments ask for.
  public var generatorConfiguration: SyntheticConfiguration {
    SyntheticConfiguration(
      videoCount: videos, seed: seed,
      testCount: testVideos ?? SyntheticConfiguration.testCount(videoCount: videos, ratio: splitRatio))
  }

  /// Checks the arguments before anything is written; each problem is one line.
  public func validate() throws {
    guard !out.isEmpty else { throw SyntheticError.invalidArgument("--out must name a folder") }
    guard splitRatio >= 0, splitRatio <= 1 else {
      throw SyntheticError.invalidArgument("--split-ratio must be 0...1, got \(splitRatio)")
    }
    try generatorConfiguration.validate()
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
      throw SyntheticError.invalidArgument("--out \(out) is a file, expected a folder")
    }
  }

  /// Generates the dataset and prints a one-line summary.
  public func run() throws {
    let started = Date()
    let c = generatorConfiguration
    let bar = SharedProgress(ProgressBar(title: "make-synthetic-actions", total: c.videoCount))
    let summary = try SyntheticDatasetWriter.write(c, to: out) { bar.update($0) }
    bar.finish(summary.videos)
    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
    print(
      "\(out): \(summary.videos) videos (\(c.videoCount - c.testCount) train, \(c.testCount) test), "
        + "\(summary.frames) frames, \(summary.tubes) tubes, \(summary.boxes) boxes (\(seconds) s)")
  }
}

/// A progress bar updated from worker threads (the writer calls one update at a time).
private final class SharedProgress: @unchecked Sendable {
  private var bar: ProgressBar
  private let lock = NSLock()

  init(_ bar: ProgressBar) { self.bar = bar }

  func update(_ done: Int) { lock.withLock { bar.update(done) } }

  func finish(_ done: Int) { lock.withLock { bar.finish(done) } }
}
