import CFFmpeg
import Foundation

/// Decodes single PNG or JPEG files with libavcodec's `png` and `mjpeg` decoders.
///
/// The codec is chosen by the file's signature, not its extension. One decoder context per codec
/// is kept and reused from image to image.
final class ImageFileDecoder {
  /// Largest image file accepted, in bytes (a 4K PNG is ~25 MB; this guards against hostile files).
  static let maximumFileSize = 256 << 20

  private var contexts: [AVCodecID: CodecContext] = [:]
  private let packet: Packet
  private let frame: Frame

  /// Prepares an empty packet and frame.
  init(site: FFmpegSite) throws(MediaError) {
    packet = try Packet(site: site)
    frame = try Frame(site: site)
  }

  /// Decodes the image at `path` (frame `index` of its folder) into a frame owned by this decoder,
  /// valid until the next call.
  func decode(path: String, index: Int) throws(MediaError) -> UnsafeMutablePointer<AVFrame> {
    let site = FFmpegSite.decoding(path: path, frame: index)
    FFmpegLog.clear()
    let bytes = try Self.read(path)
    let codecID = try Self.codec(of: bytes, path: path)
    let context = try context(for: codecID, site: site)
    defer { avcodec_flush_buffers(context.pointer) }

    av_packet_unref(packet.pointer)
    try check(av_new_packet(packet.pointer, Int32(bytes.count)), "av_new_packet", site)
    defer { av_packet_unref(packet.pointer) }
    if let destination = packet.pointer.pointee.data {
      bytes.copyBytes(to: destination, count: bytes.count)
    }
    // Every image stands alone; the PNG decoder adds a non-key packet to the previous picture.
    packet.pointer.pointee.flags |= cffmpeg_AV_PKT_FLAG_KEY
    try check(avcodec_send_packet(context.pointer, packet.pointer), "avcodec_send_packet", site)
    try check(avcodec_send_packet(context.pointer, nil), "avcodec_send_packet", site)
    try check(avcodec_receive_frame(context.pointer, frame.pointer), "avcodec_receive_frame", site)
    let flags = frame.pointer.pointee.decode_error_flags
    if flags != 0 || frame.pointer.pointee.flags & cffmpeg_AV_FRAME_FLAG_CORRUPT != 0 {
      throw .damagedFrame(path: path, frame: index, flags: flags)
    }
    return frame.pointer
  }

  /// The bytes of the file at `path`, after checking its size against ``maximumFileSize``.
  private static func read(_ path: String) throws(MediaError) -> Data {
    let size: Int
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    } catch {
      throw .readFailed(path: path, message: FrameFolder.reason(error))
    }
    guard size <= maximumFileSize else {
      throw .fileTooLarge(path: path, bytes: size, limit: maximumFileSize)
    }
    guard size > 0 else { throw .emptyFile(path: path) }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .readFailed(path: path, message: FrameFolder.reason(error))
    }
  }

  /// PNG or JPEG, from the file signature.
  private static func codec(of bytes: Data, path: String) throws(MediaError) -> AVCodecID {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
    if bytes.starts(with: png) { return AV_CODEC_ID_PNG }
    if bytes.starts(with: jpeg) { return AV_CODEC_ID_MJPEG }
    let first = bytes.prefix(8).map { String($0, radix: 16, uppercase: true) }
      .map { $0.count == 1 ? "0" + $0 : $0 }
    throw .unsupportedImage(path: path, firstBytes: first.joined(separator: " "))
  }

  /// The open decoder for `codecID`, opened on first use (single-threaded: one image per packet).
  private func context(for codecID: AVCodecID, site: FFmpegSite) throws(MediaError) -> CodecContext {
    if let context = contexts[codecID] { return context }
    guard let decoder = avcodec_find_decoder(codecID) else {
      throw .decoderNotFound(path: site.path, codec: String(cString: avcodec_get_name(codecID)))
    }
    let context = try CodecContext(codec: decoder, site: site)
    context.pointer.pointee.thread_count = 1
    context.pointer.pointee.err_recognition |= cffmpeg_AV_EF_EXPLODE | cffmpeg_AV_EF_CRCCHECK
    try check(avcodec_open2(context.pointer, decoder, nil), "avcodec_open2", site)
    contexts[codecID] = context
    return context
  }
}
