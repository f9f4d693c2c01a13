import Foundation
import Media
import Primitives

/// Reads flow stored as the datasets store it (``FlowImageWriter``'s layout: `x_0000n.jpg`,
/// `y_0000n.jpg` per frame pair, 1-based), as pixels or as network input in [−1, 1].
///
/// ```swift
/// let reader = FlowImageReader(folder: "flow/clip")
/// let flow = try reader.pixels(pair: 1)   // displacements in pixels, within ±20
/// let input = try reader.unit(pair: 1)    // the same scaled to [−1, 1], as I3D's flow stream reads it
/// ```
public struct FlowImageReader: Sendable {
  /// The folder holding the images.
  public let folder: String
  /// The 8-bit encoding the images use.
  public let quantizer: FlowQuantizer
  /// Text before `x_00001.jpg` in the file names: empty (``FlowImageWriter``'s names, `denseflow`'s
  /// default) or `flow_` (MMAction's `flow_x_00001.jpg`).
  public let filePrefix: String

  /// A reader of `folder`, whose images use `quantizer`'s bound (default 20 px) and are named
  /// `<filePrefix>x_00001.jpg`, `<filePrefix>y_00001.jpg`, ….
  public init(folder: String, quantizer: FlowQuantizer = FlowQuantizer(), filePrefix: String = "") {
    self.folder = folder
    self.quantizer = quantizer
    self.filePrefix = filePrefix
  }

  /// A reader of `folder` naming its files as the folder does: `flow_x_00001.jpg` when that file
  /// exists and `x_00001.jpg` does not, else `x_00001.jpg`.
  public static func detectingNames(folder: String, quantizer: FlowQuantizer = FlowQuantizer())
    -> FlowImageReader
  {
    let plain = FlowImageWriter.fileNames(pair: 1).x
    let exists = { FileManager.default.fileExists(atPath: folder + "/" + $0) }
    let prefix = !exists(plain) && exists("flow_" + plain) ? "flow_" : ""
    return FlowImageReader(folder: folder, quantizer: quantizer, filePrefix: prefix)
  }

  /// Whether `folder` holds the images of pair 1 under either naming.
  public static func holdsFlow(folder: String) -> Bool {
    let plain = FlowImageWriter.fileNames(pair: 1).x
    return [plain, "flow_" + plain].contains { FileManager.default.fileExists(atPath: folder + "/" + $0) }
  }

  /// The stored bytes of pair `pair` (1-based): horizontal and vertical images.
  ///
  /// - Throws: ``FlowError/storage(path:reason:)`` naming the missing or unreadable file, or
  ///   the second file when the two sizes differ.
  public func images(pair: Int) throws(FlowError) -> (x: GrayImage, y: GrayImage) {
    let plain = FlowImageWriter.fileNames(pair: pair)
    let names = (x: filePrefix + plain.x, y: filePrefix + plain.y)
    let x = try grey(folder + "/" + names.x)
    let y = try grey(folder + "/" + names.y)
    guard x.width == y.width, x.height == y.height else {
      throw .storage(
        path: folder + "/" + names.y,
        reason: "size \(y.width)x\(y.height) differs from \(names.x)'s \(x.width)x\(x.height)")
    }
    return (x, y)
  }

  /// Pair `pair`'s flow in pixels (``FlowQuantizer/pixels(_:)``).
  public func pixels(pair: Int) throws(FlowError) -> FlowField {
    let (x, y) = try images(pair: pair)
    return FlowField(
      width: x.width, height: x.height, dx: x.pixels.map(quantizer.pixels), dy: y.pixels.map(quantizer.pixels)
    )
      ?? FlowField(width: 0, height: 0)
  }

  /// Pair `pair`'s flow as network input in [−1, 1] (``FlowQuantizer/unit(_:)``).
  public func unit(pair: Int) throws(FlowError) -> FlowField {
    let (x, y) = try images(pair: pair)
    return FlowQuantizer.decodeUnit(x: x, y: y) ?? FlowField(width: 0, height: 0)
  }

  /// The grey bytes of one image file (its red channel; grey JPEGs decode with R = G = B).
  private func grey(_ path: String) throws(FlowError) -> GrayImage {
    let image: RGBImage
    do {
      image = try ImageFile.read(path)
    } catch {
      throw .storage(path: path, reason: error.description)
    }
    let bytes = stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
    return GrayImage(width: image.width, height: image.height, checkedPixels: bytes)
  }
}
