import CFFmpeg

// One owner per FFmpeg handle (STYLE rule 3): each class's init has at most one fallible step,
// which frees what it allocated before throwing; every later fallible step runs on a finished
// owner, so ARC frees the handle on any path out of a throwing caller.

/// Owns an `AVFormatContext` opened for reading; `deinit` closes it.
final class FormatInput {
  /// The open context, valid for the owner's lifetime.
  let pointer: UnsafeMutablePointer<AVFormatContext>

  /// Opens the local file `path` with `avformat_open_input` (which frees its context itself on
  /// failure). The `file:` prefix keeps FFmpeg from reading a name such as `concat:a|b` or
  /// `http://…` as a protocol.
  init(path: String, site: FFmpegSite) throws(MediaError) {
    var context: UnsafeMutablePointer<AVFormatContext>? = nil
    try check(avformat_open_input(&context, "file:" + path, nil, nil), "avformat_open_input", site)
    guard let context else { throw site.error("avformat_open_input", cffmpeg_AVERROR_ENOMEM) }
    pointer = context
  }

  deinit {
    var context: UnsafeMutablePointer<AVFormatContext>? = pointer
    avformat_close_input(&context)
  }

  /// The streams of the file, in container order.
  var streams: [UnsafeMutablePointer<AVStream>] {
    let count = Int(pointer.pointee.nb_streams)
    guard count > 0, let list = pointer.pointee.streams else { return [] }
    return (0..<count).compactMap { list[$0] }
  }

  /// The media type of each stream, e.g. `["audio"]`, for error messages.
  var streamKinds: [String] {
    streams.map { stream in
      guard let name = av_get_media_type_string(stream.pointee.codecpar.pointee.codec_type) else {
        return "unknown"
      }
      return String(cString: name)
    }
  }
}

/// Owns an `AVCodecContext`; `deinit` frees it.
final class CodecContext {
  /// The context, valid for the owner's lifetime.
  let pointer: UnsafeMutablePointer<AVCodecContext>

  /// Allocates a context for `codec` (not yet opened).
  init(codec: UnsafePointer<AVCodec>, site: FFmpegSite) throws(MediaError) {
    guard let context = avcodec_alloc_context3(codec) else {
      throw site.error("avcodec_alloc_context3", cffmpeg_AVERROR_ENOMEM)
    }
    pointer = context
  }

  deinit {
    var context: UnsafeMutablePointer<AVCodecContext>? = pointer
    avcodec_free_context(&context)
  }
}

/// Owns an `AVPacket`; `deinit` unreferences its data and frees it.
final class Packet {
  /// The packet, valid for the owner's lifetime.
  let pointer: UnsafeMutablePointer<AVPacket>

  /// Allocates an empty packet.
  init(site: FFmpegSite) throws(MediaError) {
    guard let packet = av_packet_alloc() else { throw site.error("av_packet_alloc", cffmpeg_AVERROR_ENOMEM) }
    pointer = packet
  }

  deinit {
    var packet: UnsafeMutablePointer<AVPacket>? = pointer
    av_packet_free(&packet)
  }
}

/// Owns an `AVFrame`; `deinit` unreferences its buffers and frees it.
final class Frame {
  /// The frame, valid for the owner's lifetime.
  let pointer: UnsafeMutablePointer<AVFrame>

  /// Allocates an empty frame.
  init(site: FFmpegSite) throws(MediaError) {
    guard let frame = av_frame_alloc() else { throw site.error("av_frame_alloc", cffmpeg_AVERROR_ENOMEM) }
    pointer = frame
  }

  deinit {
    var frame: UnsafeMutablePointer<AVFrame>? = pointer
    av_frame_free(&frame)
  }
}
