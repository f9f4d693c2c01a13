import CFFmpeg

/// Decodes the best video stream of one file with libavformat + libavcodec, one frame at a time.
///
/// Frames come out in presentation order, exactly as many as `ffprobe -count_frames` counts: the
/// decoder is drained at end of file. After the first failure, or after the last frame,
/// ``decodeNext()`` returns `nil`.
final class VideoFileDecoder: FrameSource {
  /// The file, as the caller named it (used in every error).
  let path: String
  /// Frame width in pixels, from the stream parameters.
  let width: Int
  /// Frame height in pixels, from the stream parameters.
  let height: Int
  /// Frames per second: the stream's average rate, else its base rate, else 25.
  let frameRate: Double
  /// The container's frame count (`AVStream.nb_frames`) when it states one, else `nil`.
  let containerFrameCount: Int?

  private let input: FormatInput
  private let codec: CodecContext
  private let packet: Packet
  private let frame: Frame
  private let streamIndex: Int32
  private var framesDecoded = 0
  private var packetsRead = 0
  private var draining = false
  private var finished = false
  /// A problem found while reading that is reported once the frames already read are out.
  private var pendingError: MediaError?

  /// Opens `path` and its best video stream, ready to decode.
  init(path: String) throws(MediaError) {
    _ = ffmpegLogSilenced
    FFmpegLog.clear()
    let site = FFmpegSite.opening(path: path)
    let input = try FormatInput(path: path, site: site)
    try check(avformat_find_stream_info(input.pointer, nil), "avformat_find_stream_info", site)

    var decoder: UnsafePointer<AVCodec>? = nil
    let index = av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
    if index == cffmpeg_AVERROR_STREAM_NOT_FOUND {
      throw .noVideoStream(path: path, streams: input.streamKinds)
    }
    if index == cffmpeg_AVERROR_DECODER_NOT_FOUND {
      let video = input.streams.first { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO }
      let name = video.map { String(cString: avcodec_get_name($0.pointee.codecpar.pointee.codec_id)) }
      throw .decoderNotFound(path: path, codec: name ?? "unknown")
    }
    try check(index, "av_find_best_stream", site)
    let streams = input.streams
    guard Int(index) < streams.count, let decoder else {
      throw site.error("av_find_best_stream", cffmpeg_AVERROR_STREAM_NOT_FOUND)
    }
    let stream = streams[Int(index)]
    if stream.pointee.disposition & cffmpeg_AV_DISPOSITION_ATTACHED_PIC != 0 {
      // A cover picture in an audio file is not a video.
      throw .noVideoStream(path: path, streams: input.streamKinds)
    }

    let codec = try CodecContext(codec: decoder, site: site)
    try check(
      avcodec_parameters_to_context(codec.pointer, stream.pointee.codecpar), "avcodec_parameters_to_context",
      site)
    codec.pointer.pointee.pkt_timebase = stream.pointee.time_base
    codec.pointer.pointee.thread_count = 0  // one per core
    try check(avcodec_open2(codec.pointer, decoder, nil), "avcodec_open2", site)

    let width = Int(codec.pointer.pointee.width)
    let height = Int(codec.pointer.pointee.height)
    guard width > 0, height > 0 else {
      throw .invalidFrameSize(path: path, actual: .init(width: width, height: height))
    }

    self.path = path
    self.width = width
    self.height = height
    self.frameRate = Self.framesPerSecond(stream.pointee)
    self.containerFrameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
    self.input = input
    self.codec = codec
    self.packet = try Packet(site: site)
    self.frame = try Frame(site: site)
    self.streamIndex = index
  }

  /// The average frame rate when the stream states one, else the base rate, else 25 fps.
  private static func framesPerSecond(_ stream: AVStream) -> Double {
    for rate in [stream.avg_frame_rate, stream.r_frame_rate] where rate.num > 0 && rate.den > 0 {
      return Double(rate.num) / Double(rate.den)
    }
    return 25
  }

  /// Decodes the next frame into a frame owned by this decoder (valid until the next call), or
  /// returns `nil` after the last one.
  ///
  /// Throws when the data is damaged: ``MediaError/damagedFrame(path:frame:flags:)`` for a frame
  /// the decoder had to conceal, ``MediaError/decodeFailed(path:frame:call:code:message:)`` for a
  /// failed call, and ``MediaError/truncated(path:expected:actual:)`` (after the intact frames) when
  /// the file ends before the container's packet count. Frames before the problem are returned.
  func decodeNext() throws(MediaError) -> UnsafeMutablePointer<AVFrame>? {
    guard !finished else { return nil }
    FFmpegLog.clear()
    do throws(MediaError) {
      if try receiveFrame() {
        framesDecoded += 1
        return frame.pointer
      }
      finished = true
      if let pendingError { throw pendingError }
      return nil
    } catch {
      finished = true
      throw error
    }
  }

  /// Runs the receive/send loop until a frame is out (`true`) or the decoder is drained (`false`).
  private func receiveFrame() throws(MediaError) -> Bool {
    let site = FFmpegSite.decoding(path: path, frame: framesDecoded)
    while true {
      let received = avcodec_receive_frame(codec.pointer, frame.pointer)
      if received == 0 {
        let flags = frame.pointer.pointee.decode_error_flags
        if flags != 0 || frame.pointer.pointee.flags & cffmpeg_AV_FRAME_FLAG_CORRUPT != 0 {
          throw .damagedFrame(path: path, frame: framesDecoded, flags: flags)
        }
        return true
      }
      if received == cffmpeg_AVERROR_EOF { return false }
      if received != cffmpeg_AVERROR_EAGAIN { throw site.error("avcodec_receive_frame", received) }
      try sendNextPacket(site)
    }
  }

  /// Feeds the decoder the next packet of the video stream, or the end-of-stream signal.
  private func sendNextPacket(_ site: FFmpegSite) throws(MediaError) {
    guard !draining else {
      // Draining sends no packets; a decoder asking for one here is broken.
      throw site.error("avcodec_receive_frame", cffmpeg_AVERROR_EAGAIN)
    }
    while true {
      let read = av_read_frame(input.pointer, packet.pointer)
      if read == cffmpeg_AVERROR_EOF {
        if let expected = containerFrameCount, packetsRead < expected {
          pendingError = .truncated(path: path, expected: expected, actual: packetsRead)
        }
        draining = true
        try check(avcodec_send_packet(codec.pointer, nil), "avcodec_send_packet", site)
        return
      }
      try check(read, "av_read_frame", site)
      defer { av_packet_unref(packet.pointer) }
      guard packet.pointer.pointee.stream_index == streamIndex else { continue }
      packetsRead += 1
      try check(avcodec_send_packet(codec.pointer, packet.pointer), "avcodec_send_packet", site)
      return
    }
  }
}
