import CFFmpeg
import Foundation
import Primitives

/// Reads the frames of a video file, or of a folder of numbered images, as RGB8 at source size.
///
/// Video files are anything libavformat opens (MP4, AVI, MKV, raw MPEG-4 or H.264 streams, …); the
/// best video stream is decoded. A folder holds PNG or JPEG frames numbered in their names
/// (`img_00001.jpg`, `00001.png`), read in number order.
///
/// Reading streams: one frame is decoded per ``nextFrame()`` call, so memory is bounded by the
/// frames the caller keeps, not by the video's length. Frames come in presentation order, and their
/// number equals what `ffprobe -count_frames` reports (the decoder is drained at end of file).
///
/// ```swift
/// let reader = try VideoReader(path: "clip.mp4")
/// print(reader.width, reader.height, reader.frameRate)  // 340 256 29.97
/// try reader.forEachFrame { index, frame in
///   detector.push(frame)
/// }
/// ```
///
/// Damaged input: a file that cannot be opened throws from `init`. A file that opens but is
/// truncated or corrupt yields every frame decoded intact before the damage, then `nextFrame()`
/// throws (``MediaError/damagedFrame(path:frame:flags:)`` when the decoder had to conceal errors in
/// a frame, ``MediaError/truncated(path:expected:actual:)`` when the container lists more packets
/// than the file holds, ``MediaError/decodeFailed(path:frame:call:code:message:)`` when a call
/// fails); after a throw, `nextFrame()` returns `nil`. A raw stream cut exactly between two frames
/// cannot be told from a shorter stream and reads without error. Frame images are decoded strictly:
/// a cut or corrupt PNG or JPEG throws rather than yielding a concealed picture.
///
/// Pixels: YUV video is converted to RGB24 exactly as `ffmpeg -i IN -f rawvideo -pix_fmt rgb24`
/// does (BT.601 limited range unless the stream states its matrix and range; byte-equal, tested);
/// RGB, grey and palette images keep their values.
///
/// Not thread-safe: use one reader from one thread at a time. `deinit` frees every FFmpeg handle.
public final class VideoReader {
  /// The video file or frame folder, as given to ``init(path:folderFrameRate:)``.
  public let path: String
  /// Frame width in pixels (source resolution).
  public let width: Int
  /// Frame height in pixels (source resolution).
  public let height: Int
  /// Frames per second: the stream's average frame rate, else its base rate, else 25; for a
  /// folder, the `folderFrameRate` given at creation.
  public let frameRate: Double
  /// The frame count the file states without decoding, or `nil` when it states none.
  ///
  /// Containers with an index (MP4, AVI) report their frame count; raw streams (the UCF-101-24
  /// `.mp4` files are raw MPEG-4 with no container) report none. For a folder, the number of frame
  /// images. Use ``countFrames()`` for the exact decoded count.
  public let frameCount: Int?
  /// The 0-based index of the frame the next ``nextFrame()`` call returns (after the last frame or
  /// an error: the number of frames returned).
  public private(set) var nextFrameIndex = 0

  private let source: any FrameSource
  private let converter: RGBConverter
  /// Set by the first error; the reader then reports the end of the video.
  private var failed = false

  /// Opens a video file, or a folder of numbered PNG or JPEG frames, ready to decode.
  ///
  /// - Parameters:
  ///   - path: a video file libavformat can open, or a folder of frames such as `img_00001.jpg`.
  ///   - folderFrameRate: the frame rate to report for a folder (folders carry no timing);
  ///     ignored for video files.
  /// - Throws: ``MediaError`` naming the file and the failing step: missing or empty file, a file
  ///   FFmpeg can't open or probe, no video stream, no decoder, a folder without frames.
  public init(path: String, folderFrameRate: Double = 25) throws(MediaError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .fileNotFound(path: path)
    }
    let source: any FrameSource
    if isDirectory.boolValue {
      source = try FrameFolderSource(path: path, frameRate: folderFrameRate)
    } else {
      try Self.checkRegularFile(path)
      source = try VideoFileDecoder(path: path)
    }
    self.path = path
    self.width = source.width
    self.height = source.height
    self.frameRate = source.frameRate
    self.frameCount = source.containerFrameCount
    self.source = source
    self.converter = try RGBConverter(width: source.width, height: source.height, site: .opening(path: path))
  }

  /// Throws unless `path` is a non-empty regular file.
  private static func checkRegularFile(_ path: String) throws(MediaError) {
    let attributes: [FileAttributeKey: Any]
    do {
      attributes = try FileManager.default.attributesOfItem(atPath: path)
    } catch {
      throw .readFailed(path: path, message: FrameFolder.reason(error))
    }
    guard (attributes[.type] as? FileAttributeType) == .typeRegular else { throw .notAFile(path: path) }
    guard ((attributes[.size] as? NSNumber)?.intValue ?? 0) > 0 else { throw .emptyFile(path: path) }
  }

  /// Decodes and returns the next frame (RGB8, source size), or `nil` after the last frame.
  ///
  /// - Throws: ``MediaError`` when the data is damaged; frames before the damage were returned, and
  ///   later calls return `nil`.
  public func nextFrame() throws(MediaError) -> RGBImage? {
    guard !failed else { return nil }
    do throws(MediaError) {
      guard let frame = try source.decodeNext() else { return nil }
      let image = try converter.convert(
        frame, path: source.path(ofFrame: nextFrameIndex), index: nextFrameIndex)
      nextFrameIndex += 1
      return image
    } catch {
      failed = true
      throw error
    }
  }

  /// Moves past the next frame without converting it (a folder's image is not even read); returns
  /// `false` after the last frame. ``nextFrameIndex`` advances as with ``nextFrame()``.
  ///
  /// - Throws: ``MediaError`` when a video's data is damaged; later calls return `false`.
  public func skipFrame() throws(MediaError) -> Bool {
    guard !failed else { return false }
    do throws(MediaError) {
      guard try source.skipNext() else { return false }
      nextFrameIndex += 1
      return true
    } catch {
      failed = true
      throw error
    }
  }

  /// Calls `body` with each remaining frame and its 0-based index, in order, one at a time.
  ///
  /// Rethrows the first error of `body` (stopping there) and throws ``MediaError`` on damaged data.
  public func forEachFrame(_ body: (_ index: Int, _ frame: RGBImage) throws -> Void) throws {
    while true {
      let index = nextFrameIndex
      guard let frame = try nextFrame() else { return }
      try body(index, frame)
    }
  }

  /// Decodes the whole video (or every image of the folder) again from the start and returns the
  /// exact number of frames, without converting them to RGB.
  ///
  /// Independent of this reader's position: ``nextFrame()`` continues where it was.
  /// - Throws: ``MediaError`` as ``nextFrame()`` does, when the data is damaged.
  public func countFrames() throws(MediaError) -> Int {
    let counter: any FrameSource
    if source is FrameFolderSource {
      counter = try FrameFolderSource(path: path, frameRate: frameRate)
    } else {
      counter = try VideoFileDecoder(path: path)
    }
    var count = 0
    while let frame = try counter.decodeNext() {
      let size = MediaError.FrameSize(width: Int(frame.pointee.width), height: Int(frame.pointee.height))
      guard size.width == width, size.height == height else {
        throw .frameSizeChanged(
          path: counter.path(ofFrame: count), frame: count, expected: .init(width: width, height: height),
          actual: size)
      }
      count += 1
    }
    return count
  }
}
