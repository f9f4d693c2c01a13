import CFFmpeg
import Primitives

/// Converts decoded frames of any pixel format to packed RGB24 at the same size (RGB24 frames are
/// copied, others go through libswscale).
///
/// Uses the same scaler flags (`SWS_BICUBIC`) and colour handling as the `ffmpeg` command line
/// (`ffmpeg -i IN -f rawvideo -pix_fmt rgb24 OUT`), so frames match its output byte for byte:
/// for YUV input the frame's colour matrix and range are honoured when the frame states them, else
/// BT.601 limited range (full range for `yuvj*` formats); RGB input keeps its channel values.
final class RGBConverter {
  /// Output width in pixels.
  let width: Int
  /// Output height in pixels.
  let height: Int
  private let output: Frame
  private var scaler: OpaquePointer?
  private var colourKey: (AVColorSpace, AVColorRange)?

  /// Prepares an RGB24 output frame of the given size (with FFmpeg's row padding).
  init(width: Int, height: Int, site: FFmpegSite) throws(MediaError) {
    let output = try Frame(site: site)
    output.pointer.pointee.format = AV_PIX_FMT_RGB24.rawValue
    output.pointer.pointee.width = Int32(width)
    output.pointer.pointee.height = Int32(height)
    try check(av_frame_get_buffer(output.pointer, 0), "av_frame_get_buffer", site)
    self.width = width
    self.height = height
    self.output = output
  }

  deinit {
    sws_freeContext(scaler)
  }

  /// Converts `frame` (frame number `index` of `path`) to an ``RGBImage``.
  func convert(_ frame: UnsafeMutablePointer<AVFrame>, path: String, index: Int) throws(MediaError)
    -> RGBImage
  {
    let source = frame.pointee
    guard Int(source.width) == width, Int(source.height) == height else {
      throw .frameSizeChanged(
        path: path, frame: index, expected: .init(width: width, height: height),
        actual: .init(width: Int(source.width), height: Int(source.height)))
    }
    let format = AVPixelFormat(rawValue: source.format)
    if format == AV_PIX_FMT_RGB24 { return copyPixels(of: frame) }
    let site = FFmpegSite.decoding(path: path, frame: index)
    let flags = Self.isYUV(format) ? yuvFlags : exactFlags
    let previous = scaler
    scaler = sws_getCachedContext(
      scaler, source.width, source.height, format, source.width, source.height, AV_PIX_FMT_RGB24, flags,
      nil, nil, nil)
    guard let scaler else { throw site.error("sws_getCachedContext", cffmpeg_AVERROR_EINVAL) }
    if scaler != previous { colourKey = nil }
    try setColourDetails(scaler, source, site)
    try check(sws_scale_frame(scaler, output.pointer, frame), "sws_scale_frame", site)
    return copyPixels(of: output.pointer)
  }

  /// The `ffmpeg` command line's scaler flags, used for YUV input.
  private let yuvFlags = cffmpeg_SWS_BICUBIC
  /// Flags for RGB, grey and palette input: generic RGB output subsamples chroma horizontally
  /// unless told not to, which would blur colour edges of such input.
  private let exactFlags = cffmpeg_SWS_BICUBIC | cffmpeg_SWS_FULL_CHR_H_INT | cffmpeg_SWS_ACCURATE_RND

  /// Whether `format` is a YUV format with chroma (not RGB, grey or palette).
  private static func isYUV(_ format: AVPixelFormat) -> Bool {
    guard let descriptor = av_pix_fmt_desc_get(format) else { return false }
    return descriptor.pointee.flags & cffmpeg_AV_PIX_FMT_FLAG_RGB == 0
      && descriptor.pointee.nb_components >= 3
      && descriptor.pointee.flags & cffmpeg_AV_PIX_FMT_FLAG_PAL == 0
  }

  /// Tells the scaler the frame's colour matrix and range when the frame states them.
  private func setColourDetails(_ scaler: OpaquePointer, _ source: AVFrame, _ site: FFmpegSite)
    throws(MediaError)
  {
    let key = (source.colorspace, source.color_range)
    if let colourKey, colourKey == key { return }
    colourKey = key
    guard source.colorspace != AVCOL_SPC_UNSPECIFIED || source.color_range != AVCOL_RANGE_UNSPECIFIED else {
      return
    }
    // Only YUV has a colour matrix and range to state (PNG frames say AVCOL_SPC_RGB, full range).
    guard Self.isYUV(AVPixelFormat(rawValue: source.format)) else { return }
    var inverse: UnsafeMutablePointer<Int32>? = nil
    var table: UnsafeMutablePointer<Int32>? = nil
    var sourceFull: Int32 = 0
    var destinationFull: Int32 = 0
    var brightness: Int32 = 0
    var contrast: Int32 = 0
    var saturation: Int32 = 0
    try check(
      sws_getColorspaceDetails(
        scaler, &inverse, &sourceFull, &table, &destinationFull, &brightness, &contrast, &saturation),
      "sws_getColorspaceDetails", site)
    if source.color_range != AVCOL_RANGE_UNSPECIFIED {
      sourceFull = source.color_range == AVCOL_RANGE_JPEG ? 1 : 0
    }
    let coefficients = sws_getCoefficients(Int32(source.colorspace.rawValue))
    try check(
      sws_setColorspaceDetails(
        scaler, coefficients, sourceFull, table, destinationFull, brightness, contrast, saturation),
      "sws_setColorspaceDetails", site)
  }

  /// Copies the padded rows of an RGB24 frame of this converter's size into a packed image.
  private func copyPixels(of frame: UnsafeMutablePointer<AVFrame>) -> RGBImage {
    let rowBytes = width * 3
    let stride = Int(frame.pointee.linesize.0)
    let pixels = [UInt8](unsafeUninitializedCapacity: rowBytes * height) { buffer, count in
      count = buffer.count
      guard let source = frame.pointee.data.0, let destination = buffer.baseAddress else {
        buffer.initialize(repeating: 0)
        return
      }
      for row in 0..<height {
        (destination + row * rowBytes).initialize(from: source + row * stride, count: rowBytes)
      }
    }
    guard let image = RGBImage(width: width, height: height, pixels: pixels) else {
      preconditionFailure("RGBConverter produced \(pixels.count) bytes for \(width)x\(height)")
    }
    return image
  }
}
