import Datasets
import Dispatch
import Foundation
import Media
import Synchronization

/// Writes a synthetic dataset in the JHMDB layout:
///
/// ```
/// DIR/Frames/<label>/<video>/00001.jpg …   frames (JPEG, libavcodec mjpeg, deterministic)
/// DIR/Synthetic-GT.pkl                       ACT-format ground truth (protocol 2, as JHMDB-GT.pkl)
/// DIR/labels.txt                             class names in label-index order
/// DIR/trainlist01.txt, DIR/testlist01.txt    video ids of the one split
/// ```
///
/// Videos are generated on all cores, each from its own random stream, so the output does not
/// depend on scheduling: the same configuration gives byte-identical files. Each video is written
/// into a hidden folder (`.<video>.tmp-<pid>`) renamed into place when complete (replacing an
/// older video of that name); the ground truth and lists are written last, each through a
/// temporary file. Videos of an earlier, larger run in the same folder are left alone.
public enum SyntheticDatasetWriter {
  /// What was written.
  public struct Summary: Sendable {
    /// Videos written.
    public var videos: Int
    /// Frames written.
    public var frames: Int
    /// Ground-truth tubes.
    public var tubes: Int
    /// Annotated boxes.
    public var boxes: Int
  }

  /// Generates and writes every video of `configuration` under `directory`, calling `progress`
  /// with the number of videos finished (from worker threads, one call at a time).
  ///
  /// - Throws: ``SyntheticError``.
  public static func write(
    _ configuration: SyntheticConfiguration, to directory: String,
    progress: @Sendable (Int) -> Void = { _ in }
  ) throws(SyntheticError) -> Summary {
    try configuration.validate()
    try makeFolder(directory)
    for action in SyntheticAction.allCases { try makeFolder("\(directory)/Frames/\(action.label)") }
    let results = Mutex<[Result<VideoAnnotation, SyntheticError>?]>(
      Array(repeating: nil, count: configuration.videoCount))
    let done = Mutex(0)
    DispatchQueue.concurrentPerform(iterations: configuration.videoCount) { index in
      let result = Result { () throws(SyntheticError) in
        try writeVideo(index: index, configuration: configuration, directory: directory)
      }
      results.withLock { $0[index] = result }
      done.withLock {
        $0 += 1
        progress($0)
      }
    }
    var videos: [String: VideoAnnotation] = [:]
    var ids: [String] = []
    for (index, result) in results.withLock({ $0 }).enumerated() {
      switch result {
      case .success(let annotation)?:
        ids.append(SyntheticVideo.id(index: index))
        videos[ids[index]] = annotation
      case .failure(let error)?: throw error
      case nil: preconditionFailure("video \(index) was not generated")
      }
    }
    let split = ids.count - configuration.testCount
    let truth = GroundTruth(
      labels: SyntheticAction.allCases.map(\.label), trainVideos: [Array(ids[..<split])],
      testVideos: [Array(ids[split...])], videos: videos)
    do {
      try truth.writeACTPickle(to: "\(directory)/Synthetic-GT.pkl")
      try DatasetLayout.writeLines(truth.labels, to: "\(directory)/labels.txt")
      try DatasetLayout.writeLines(truth.trainVideos[0], to: "\(directory)/trainlist01.txt")
      try DatasetLayout.writeLines(truth.testVideos[0], to: "\(directory)/testlist01.txt")
    } catch {
      throw .io(path: directory, step: "writing the ground truth", reason: "\(error)")
    }
    let all = videos.values
    return Summary(
      videos: ids.count, frames: all.reduce(0) { $0 + $1.frameCount },
      tubes: all.reduce(0) { $0 + $1.tubes.count },
      boxes: all.reduce(0) { $0 + $1.tubes.reduce(0) { $0 + $1.frames.count } })
  }

  /// Generates video `index`, writes its frames and returns its annotation.
  static func writeVideo(index: Int, configuration c: SyntheticConfiguration, directory: String)
    throws(SyntheticError) -> VideoAnnotation
  {
    let video = SyntheticVideo.generate(index: index, configuration: c)
    let final = "\(directory)/Frames/\(video.id)"
    let parent = (final as NSString).deletingLastPathComponent
    let temporary = "\(parent)/.\((final as NSString).lastPathComponent).tmp-\(getpid())"
    try? FileManager.default.removeItem(atPath: temporary)
    try makeFolder(temporary)
    do {
      let encoder = try JPEGEncoder(width: c.width, height: c.height, quality: c.jpegQuality)
      for (k, frame) in video.frames.enumerated() {
        let bytes: [UInt8]
        do {
          bytes = try encoder.encode(frame.image)
        } catch {
          throw SyntheticError.encoding(video: video.id, frame: k + 1, message: error.description)
        }
        let path = "\(temporary)/\(frameName(k + 1))"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
          throw SyntheticError.io(path: path, step: "create", reason: "cannot create file")
        }
      }
    } catch let error as SyntheticError {
      try? FileManager.default.removeItem(atPath: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw .encoding(video: video.id, frame: 0, message: "\(error)")
    }
    if FileManager.default.fileExists(atPath: final) { try? FileManager.default.removeItem(atPath: final) }
    guard rename(temporary, final) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporary)
      throw .io(path: final, step: "rename from \(temporary)", reason: reason)
    }
    return VideoAnnotation(
      frameCount: video.frames.count, height: c.height, width: c.width, tubes: video.tubes)
  }

  /// `00001.jpg` for frame 1.
  public static func frameName(_ frame: Int) -> String {
    let digits = String(frame)
    return String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".jpg"
  }

  /// Creates `path` and its parents; succeeds when it is already a folder.
  static func makeFolder(_ path: String) throws(SyntheticError) {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
      guard isFolder.boolValue else {
        throw .io(path: path, step: "create folder", reason: "a file is in the way")
      }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw .io(path: path, step: "create folder", reason: (error as NSError).localizedDescription)
    }
  }
}
