import CFFmpeg

/// A folder of numbered PNG or JPEG frames as a ``FrameSource``.
///
/// Every image is decoded when its frame is requested; the size is that of the first image, and an
/// image of another size ends decoding with ``MediaError/frameSizeChanged(path:frame:expected:actual:)``.
final class FrameFolderSource: FrameSource {
  /// The listed frames.
  let folder: FrameFolder
  /// Width of the first image in pixels.
  let width: Int
  /// Height of the first image in pixels.
  let height: Int
  /// Frames per second, as given by the caller (folders carry no timing).
  let frameRate: Double
  /// The number of frame images.
  var containerFrameCount: Int? { folder.files.count }

  private let decoder: ImageFileDecoder
  private var next = 0
  private var finished = false

  /// Lists the folder and decodes its first image to learn the frame size.
  init(path: String, frameRate: Double) throws(MediaError) {
    _ = ffmpegLogSilenced
    let folder = try FrameFolder(path: path)
    let decoder = try ImageFileDecoder(site: .opening(path: path))
    let first = try decoder.decode(path: folder.files[0], index: 0)
    let width = Int(first.pointee.width)
    let height = Int(first.pointee.height)
    guard width > 0, height > 0 else {
      throw .invalidFrameSize(path: folder.files[0], actual: .init(width: width, height: height))
    }
    self.folder = folder
    self.width = width
    self.height = height
    self.frameRate = frameRate
    self.decoder = decoder
  }

  /// The image file of frame `index`.
  func path(ofFrame index: Int) -> String {
    folder.files.indices.contains(index) ? folder.files[index] : folder.path
  }

  /// Moves past the next image without reading it (frames of a folder are independent files).
  func skipNext() throws(MediaError) -> Bool {
    guard !finished, next < folder.files.count else { return false }
    next += 1
    return true
  }

  /// Decodes the next image; after the last one, or after a failure, returns `nil`.
  func decodeNext() throws(MediaError) -> UnsafeMutablePointer<AVFrame>? {
    guard !finished, next < folder.files.count else { return nil }
    do throws(MediaError) {
      let frame = try decoder.decode(path: folder.files[next], index: next)
      next += 1
      return frame
    } catch {
      finished = true
      throw error
    }
  }
}
