import Foundation
import Primitives

/// Reads one PNG or JPEG file as RGB8, with the same decoders and colour conversion as a frame
/// folder's images in ``VideoReader``.
///
/// ```swift
/// let image = try ImageFile.read("flow/x_00001.jpg")  // grey images come back with R = G = B
/// ```
public enum ImageFile {
  /// The image at `path` (PNG or JPEG, chosen by the file's signature).
  ///
  /// - Throws: ``MediaError`` naming the file: missing, unreadable, not PNG or JPEG, or damaged.
  public static func read(_ path: String) throws(MediaError) -> RGBImage {
    _ = ffmpegLogSilenced
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .fileNotFound(path: path)
    }
    guard !isDirectory.boolValue else { throw .notAFile(path: path) }
    let decoder = try ImageFileDecoder(site: .opening(path: path))
    let frame = try decoder.decode(path: path, index: 0)
    let width = Int(frame.pointee.width)
    let height = Int(frame.pointee.height)
    guard width > 0, height > 0 else {
      throw .invalidFrameSize(path: path, actual: .init(width: width, height: height))
    }
    let converter = try RGBConverter(width: width, height: height, site: .opening(path: path))
    return try converter.convert(frame, path: path, index: 0)
  }
}
