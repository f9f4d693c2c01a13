import Flow
import Foundation
import Primitives

/// Where the flow frames of a two-stream `detect` come from: TV-L1 computed from the video's own
/// frames as they are decoded (``Flow/TVL1OpticalFlow``, OpenCV's defaults, quantised to the stored
/// 8-bit encoding, no JPEG step), or flow stored by `flow VIDEO --out DIR`.
///
/// Frame `i` uses pair `i + 1` (the flow leaving it) and the last frame repeats the last pair, so
/// flow frame `i` is known once frame `i + 1` has been read: ``next(_:)`` returns the flow frame of
/// the previous frame, ``last()`` the final one.
struct FlowFrameSource {
  /// Stored flow (nil: computed).
  private let stored: FlowImageReader?
  private let solver: TVL1OpticalFlow?
  private var previous: GrayImage?
  private var latest: RGBImage?
  /// Frames seen so far.
  private(set) var frames = 0

  /// Flow computed natively from the frames.
  init() throws {
    stored = nil
    solver = try TVL1OpticalFlow()
  }

  /// Flow stored under `folder` (`x_00001.jpg`, … or `flow_x_00001.jpg`, …).
  init(folder: String) throws {
    guard FlowImageReader.holdsFlow(folder: folder) else {
      throw DetectCommandError.missingFlow(
        path: folder,
        detail: "no x_00001.jpg (or flow_x_00001.jpg): make it with `flow VIDEO --out \(folder)`")
    }
    stored = FlowImageReader.detectingNames(folder: folder)
    solver = nil
  }

  /// The stored flow folder of `video` under `root`: `root` itself when it holds the images, else
  /// `root/<name>`.
  static func folder(root: String, videoName: String) -> String {
    FlowImageReader.holdsFlow(folder: root) ? root : "\(root)/\(videoName)"
  }

  /// Takes the next source frame; returns the flow frame of the frame before it (nil for the first).
  mutating func next(_ frame: RGBImage) throws -> RGBImage? {
    frames += 1
    let pair = frames - 1
    if let stored {
      guard pair >= 1 else { return nil }
      latest = try read(stored, pair: pair)
      return latest
    }
    let grey = GrayImage(frame)
    defer { previous = grey }
    guard let previous, let solver else { return nil }
    latest = FlowFrame.pack(try solver.flow(from: previous, to: grey))
    return latest
  }

  /// The flow frame of the last frame: the last pair again.
  func last() throws -> RGBImage {
    guard let latest else {
      throw DetectCommandError.missingFlow(
        path: stored?.folder ?? "video", detail: "optical flow needs at least 2 frames, found \(frames)")
    }
    return latest
  }

  private func read(_ reader: FlowImageReader, pair: Int) throws -> RGBImage {
    do {
      return try reader.frame(pair: pair)
    } catch {
      throw DetectCommandError.missingFlow(path: reader.folder, detail: "pair \(pair): \(error)")
    }
  }
}
