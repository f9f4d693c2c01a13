import Foundation

/// The numbered frame images of a folder, in frame order.
///
/// A frame is a file whose extension is `png`, `jpg` or `jpeg` (any case) and whose name before the
/// extension ends in digits: `img_00001.jpg`, `00001.png`, `frame-7.PNG`. Files are ordered by that
/// number (then by name); other files are ignored. Gaps in the numbering are allowed: frame `i` of
/// the reader is the `i`-th file in this order, not the file numbered `i`.
struct FrameFolder {
  /// The folder, as the caller named it.
  let path: String
  /// Full paths of the frame images, in frame order.
  let files: [String]

  /// Lists the frames of the folder at `path`.
  init(path: String) throws(MediaError) {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
      throw .readFailed(path: path, message: Self.reason(error))
    }
    let numbered = names.compactMap { name in Self.frameNumber(of: name).map { (number: $0, name: name) } }
      .sorted { ($0.number, $0.name) < ($1.number, $1.name) }
    guard !numbered.isEmpty else { throw .emptyFrameFolder(path: path) }
    let folder = path.hasSuffix("/") ? path : path + "/"
    self.path = path
    self.files = numbered.map { folder + $0.name }
  }

  /// The frame number in a file name (`img_00012.jpg` → 12), or `nil` when the name is not a
  /// numbered PNG or JPEG image. Numbers too long for `Int` are not frame numbers.
  static func frameNumber(of name: String) -> Int? {
    guard let dot = name.lastIndex(of: "."), !name.hasPrefix(".") else { return nil }
    let ext = name[name.index(after: dot)...].lowercased()
    guard ext == "png" || ext == "jpg" || ext == "jpeg" else { return nil }
    let digits = name[..<dot].reversed().prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty else { return nil }
    return Int(String(digits.reversed()))
  }

  /// A short reason from a Foundation error (its message without the path).
  static func reason(_ error: any Error) -> String {
    if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
    {
      return String(cString: strerror(code.rawValue))
    }
    return (error as NSError).localizedDescription
  }
}
