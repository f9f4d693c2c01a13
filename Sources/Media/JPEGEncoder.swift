import CFFmpeg
import Primitives

/// Encodes RGB images as baseline JPEG files with libavcodec's `mjpeg` encoder, deterministically.
///
/// The same image always gives the same bytes: the RGB → YCbCr 4:2:0 conversion is integer
/// arithmetic in Swift (JFIF full-range BT.601, chroma the rounded mean of each 2 × 2 block), the
/// encoder runs on one thread with a fixed quantiser (`qscale`), the portable C integer DCT
/// (`FF_DCT_INT`, not a CPU-specific one) and `AV_CODEC_FLAG_BITEXACT` (no version string in the
/// file). Huffman tables are the encoder's per-image optimal ones.
///
/// ```swift
/// let encoder = try JPEGEncoder(width: 320, height: 240, quality: 3)
/// let bytes = try encoder.encode(image)  // a complete .jpg file
/// ```
///
/// One encoder per thread: it reuses one frame and one packet.
public final class JPEGEncoder {
  /// Image width in pixels.
  public let width: Int
  /// Image height in pixels.
  public let height: Int
  private let context: CodecContext
  private let frame: Frame
  private let packet: Packet
  private let site: FFmpegSite
  private var frameIndex: Int64 = 0

  /// Opens an encoder for `width` × `height` images; `quality` is the JPEG quantiser scale,
  /// 1 (best, largest) … 31 (worst); 2–4 is visually lossless for video frames.
  ///
  /// - Throws: ``MediaError/invalidImage(reason:)`` for a bad size or quality,
  ///   ``MediaError/encoderNotFound(codec:)``, or ``MediaError/encodeFailed(size:call:code:message:detail:)``.
  public init(width: Int, height: Int, quality: Int = 3) throws(MediaError) {
    guard (1...16384).contains(width), (1...16384).contains(height) else {
      throw .invalidImage(reason: "size \(width)x\(height) is outside 1...16384")
    }
    guard (1...31).contains(quality) else {
      throw .invalidImage(reason: "JPEG quality (qscale) \(quality) is outside 1...31")
    }
    _ = ffmpegLogSilenced
    let site = FFmpegSite.encoding(width: width, height: height)
    guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else { throw .encoderNotFound(codec: "mjpeg") }
    let context = try CodecContext(codec: codec, site: site)
    let c = context.pointer
    c.pointee.width = Int32(width)
    c.pointee.height = Int32(height)
    c.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
    c.pointee.color_range = AVCOL_RANGE_JPEG
    c.pointee.time_base = AVRational(num: 1, den: 25)
    c.pointee.thread_count = 1
    c.pointee.dct_algo = cffmpeg_FF_DCT_INT
    c.pointee.flags |= cffmpeg_AV_CODEC_FLAG_QSCALE | cffmpeg_AV_CODEC_FLAG_BITEXACT
    c.pointee.global_quality = Int32(quality) * cffmpeg_FF_QP2LAMBDA
    FFmpegLog.clear()
    try check(avcodec_open2(c, codec, nil), "avcodec_open2", site)
    let frame = try Frame(site: site)
    frame.pointer.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
    frame.pointer.pointee.width = Int32(width)
    frame.pointer.pointee.height = Int32(height)
    frame.pointer.pointee.color_range = AVCOL_RANGE_JPEG
    try check(av_frame_get_buffer(frame.pointer, 0), "av_frame_get_buffer", site)
    self.packet = try Packet(site: site)
    self.width = width
    self.height = height
    self.context = context
    self.frame = frame
    self.site = site
  }

  /// The JPEG file bytes of `image`, which must have the encoder's size.
  public func encode(_ image: RGBImage) throws(MediaError) -> [UInt8] {
    guard image.width == width, image.height == height else {
      throw .invalidImage(reason: "image is \(image.width)x\(image.height), the encoder \(width)x\(height)")
    }
    FFmpegLog.clear()
    let f = frame.pointer
    try check(av_frame_make_writable(f), "av_frame_make_writable", site)
    try fillPlanes(from: image)
    f.pointee.pts = frameIndex
    f.pointee.quality = context.pointer.pointee.global_quality
    frameIndex += 1
    try check(avcodec_send_frame(context.pointer, f), "avcodec_send_frame", site)
    try check(avcodec_receive_packet(context.pointer, packet.pointer), "avcodec_receive_packet", site)
    defer { av_packet_unref(packet.pointer) }
    let count = Int(packet.pointer.pointee.size)
    guard count > 0, let data = packet.pointer.pointee.data else {
      throw site.error("avcodec_receive_packet", cffmpeg_AVERROR_INVALIDDATA)
    }
    return [UInt8](UnsafeBufferPointer(start: data, count: count))
  }

  /// Writes the Y, Cb and Cr planes of the frame from packed RGB (JFIF full-range coefficients in
  /// 16-bit fixed point; chroma from the mean of each 2 × 2 block, edge pixels repeated).
  private func fillPlanes(from image: RGBImage) throws(MediaError) {
    let f = frame.pointer.pointee
    guard let yPlane = f.data.0, let cbPlane = f.data.1, let crPlane = f.data.2 else {
      throw site.error("av_frame_get_buffer", cffmpeg_AVERROR_ENOMEM)
    }
    let (yStride, cbStride, crStride) = (Int(f.linesize.0), Int(f.linesize.1), Int(f.linesize.2))
    let w = width
    let h = height
    image.pixels.withUnsafeBufferPointer { rgb in
      for y in 0..<h {
        let row = y * w * 3
        let out = yPlane + y * yStride
        for x in 0..<w {
          let r = Int32(rgb[row + 3 * x])
          let g = Int32(rgb[row + 3 * x + 1])
          let b = Int32(rgb[row + 3 * x + 2])
          out[x] = UInt8((19595 * r + 38470 * g + 7471 * b + 32768) >> 16)
        }
      }
      for cy in 0..<((h + 1) / 2) {
        let y0 = 2 * cy
        let y1 = min(y0 + 1, h - 1)
        for cx in 0..<((w + 1) / 2) {
          let x0 = 2 * cx
          let x1 = min(x0 + 1, w - 1)
          let i00 = (y0 * w + x0) * 3
          let i10 = (y0 * w + x1) * 3
          let i01 = (y1 * w + x0) * 3
          let i11 = (y1 * w + x1) * 3
          let r = Int32(rgb[i00]) + Int32(rgb[i10]) + Int32(rgb[i01]) + Int32(rgb[i11])
          let g = Int32(rgb[i00 + 1]) + Int32(rgb[i10 + 1]) + Int32(rgb[i01 + 1]) + Int32(rgb[i11 + 1])
          let b = Int32(rgb[i00 + 2]) + Int32(rgb[i10 + 2]) + Int32(rgb[i01 + 2]) + Int32(rgb[i11 + 2])
          // Sums of 4 pixels: the coefficients carry an extra factor 4 (shift by 18).
          let cb = (-11059 * r - 21709 * g + 32768 * b + (128 << 18) + (1 << 17)) >> 18
          let cr = (32768 * r - 27439 * g - 5329 * b + (128 << 18) + (1 << 17)) >> 18
          cbPlane[cy * cbStride + cx] = UInt8(clamping: cb)
          crPlane[cy * crStride + cx] = UInt8(clamping: cr)
        }
      }
    }
  }
}
