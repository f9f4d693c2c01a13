import Foundation
import Media
import Primitives

/// Writes flow fields into a folder as the datasets store them: for frame pair `n` (1-based: the
/// flow from frame `n` to frame `n + 1`), `x_0000n.jpg` and `y_0000n.jpg`, 8-bit grey JPEGs of the
/// ``FlowQuantizer`` bytes of the horizontal and vertical components.
///
/// JPEG, not PNG, because the published flows of UCF-101, JHMDB and Kinetics (I3D, MMAction's
/// `denseflow`) are JPEG: a network sees the same compression in flow made here as in downloaded
/// flow. The encoder is Media's deterministic ``JPEGEncoder`` at quantiser scale 2 (≈ libjpeg
/// quality 95, `denseflow`'s `imwrite` default); grey goes in as R = G = B, so the JPEG's luma is
/// the byte exactly before compression. Each file is written under a temporary name and renamed.
///
/// ```swift
/// let writer = try FlowImageWriter(folder: "flow/clip", width: 320, height: 240)
/// try writer.write(flow, pair: 1)  // flow/clip/x_00001.jpg, flow/clip/y_00001.jpg
/// ```
public final class FlowImageWriter {
  /// The output folder (must exist).
  public let folder: String
  /// The 8-bit encoding.
  public let quantizer: FlowQuantizer
  private let encoder: JPEGEncoder

  /// A writer of `width` × `height` flow images into `folder`; `quality` is the JPEG quantiser
  /// scale (1 best … 31).
  ///
  /// - Throws: ``FlowError/storage(path:reason:)`` when the encoder cannot be made.
  public init(
    folder: String, width: Int, height: Int, quantizer: FlowQuantizer = FlowQuantizer(), quality: Int = 2
  ) throws(FlowError) {
    do {
      encoder = try JPEGEncoder(width: width, height: height, quality: quality)
    } catch {
      throw .storage(path: folder, reason: error.description)
    }
    self.folder = folder
    self.quantizer = quantizer
  }

  /// The file names of pair `pair` (1-based): `x_00001.jpg`, `y_00001.jpg`.
  public static func fileNames(pair: Int) -> (x: String, y: String) {
    let digits = String(pair)
    let number = String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    return ("x_\(number).jpg", "y_\(number).jpg")
  }

  /// Encodes and writes the two images of `flow` for frame pair `pair` (1-based).
  ///
  /// - Throws: ``FlowError/storage(path:reason:)`` naming the file that could not be written.
  public func write(_ flow: FlowField, pair: Int) throws(FlowError) {
    let (x, y) = quantizer.encode(flow)
    let names = Self.fileNames(pair: pair)
    try write(x, to: folder + "/" + names.x)
    try write(y, to: folder + "/" + names.y)
  }

  /// Encodes one grey image as JPEG at `path`, through a temporary file renamed into place.
  private func write(_ image: GrayImage, to path: String) throws(FlowError) {
    var rgb = [UInt8](repeating: 0, count: image.pixels.count * 3)
    for (i, value) in image.pixels.enumerated() {
      rgb[3 * i] = value
      rgb[3 * i + 1] = value
      rgb[3 * i + 2] = value
    }
    guard let picture = RGBImage(width: image.width, height: image.height, pixels: rgb) else {
      throw .storage(path: path, reason: "image size \(image.width)x\(image.height) is invalid")
    }
    let bytes: [UInt8]
    do {
      bytes = try encoder.encode(picture)
    } catch {
      throw .storage(path: path, reason: error.description)
    }
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      try Data(bytes).write(to: temporary)
    } catch {
      throw .storage(path: path, reason: "cannot write (\((error as NSError).localizedDescription))")
    }
    guard rename(temporary.path, path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw .storage(path: path, reason: "cannot rename the temporary file into place (\(reason))")
    }
  }
}
