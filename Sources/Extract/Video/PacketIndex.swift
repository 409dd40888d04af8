import CFFmpeg

/// What a demux-only pass (no decoding) learns about a file's video stream: each frame's presentation index
/// by timestamp, and whether unsampled non-reference frames may be skipped without changing any sampled frame.
struct PacketIndex {
    /// Presentation index (0..<count) of each video packet, by its pts.
    let presentationIndex: [Int64: Int]
    /// True when a full decode and a decode that skips unsampled non-reference frames number the frames
    /// alike: H.264 (nal_ref_idc 0 means no frame is predicted from it), starting on a keyframe that no frame
    /// is shown before (open-GOP leading frames would be dropped by a full decode), and no packet the
    /// demuxer marks discarded (edit lists) or corrupt.
    let allowsExactSkipping: Bool

    /// Frames in the stream: one per packet.
    var count: Int { presentationIndex.count }

    /// nil when some packet has no timestamp or two share one: frames cannot be numbered without decoding.
    /// onlyForExactSkipping: also nil, without reading the packets, when the codec rules skipping out.
    static func read(path: String, onlyForExactSkipping: Bool = false) throws -> PacketIndex? {
        let format = try VideoDecoder.openInput(path)
        defer { var context: UnsafeMutablePointer<AVFormatContext>? = format; avformat_close_input(&context) }
        guard let streamIndex = VideoDecoder.videoStreamIndex(format) else { throw VideoError.noVideoStream(path: path) }
        let codec = format.pointee.streams[streamIndex]!.pointee.codecpar.pointee.codec_id
        if onlyForExactSkipping && codec != AV_CODEC_ID_H264 { return nil }
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let packet else { throw VideoError.decoderSetupFailed(path: path, reason: ffmpegReason(-ENOMEM)) }
        var timestamps: [Int64] = []
        var startsCleanly = false
        var flagged = false
        while av_read_frame(format, packet) >= 0 {
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == Int32(streamIndex) else { continue }
            guard packet.pointee.pts != cffmpeg_nopts_value() else { return nil }
            if timestamps.isEmpty { startsCleanly = packet.pointee.flags & AV_PKT_FLAG_KEY != 0 }
            if packet.pointee.flags & (AV_PKT_FLAG_DISCARD | AV_PKT_FLAG_CORRUPT) != 0 { flagged = true }
            timestamps.append(packet.pointee.pts)
        }
        guard let first = timestamps.first else { return PacketIndex(presentationIndex: [:], allowsExactSkipping: false) }
        let sorted = timestamps.sorted()
        guard Set(sorted).count == sorted.count else { return nil }
        return PacketIndex(
            presentationIndex: Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($0.element, $0.offset) }),
            allowsExactSkipping: codec == AV_CODEC_ID_H264 && startsCleanly && first == sorted[0] && !flagged)
    }
}
