import CFFmpeg
import Foundation
import Shared

/// What one sequential decode pass over a file saw.
struct DecodePassResult<Output> {
    /// Frames the decoder produced (presentation order); the true count when `reachedEnd`.
    var framesDecoded = 0
    var reachedEnd = false
    /// What `prepare` made of each target frame, by decoded frame index.
    var images: [Int: Output] = [:]
    /// Display size of the first frame after rotation.
    var displayWidth = 0
    var displayHeight = 0
    /// The container's frame count (nb_frames) or duration * frame rate; nil when neither is known.
    var estimatedFrameCount: Int?
    /// The frame count the container declares (nb_frames), if any.
    var declaredFrameCount: Int?
    /// Packets the decoder rejected (skipped, as the ffmpeg CLI does).
    var decodeErrors = 0
    /// FFmpeg's reason when reading stopped on an error instead of end of file.
    var readErrorReason: String?
    /// FFmpeg's reason for the last read/decode error that was skipped over, if any.
    var lastErrorReason: String?
    /// Snapping passes only: target frame index -> (index of the frame it snapped to, what `prepare` made of it).
    var snapped: [Int: (frameIndex: Int, image: Output)] = [:]
    /// Passes numbering frames by timestamp: frames whose timestamp the packet index does not know.
    var unnumberedFrames = 0
}

/// Sequential decoding of the first usable video stream of a file with libavformat/libavcodec.
/// Each call owns its contexts (freed by `defer`), so calls from several tasks may run concurrently.
enum VideoDecoder {
    /// Decodes frames in order, handing only the frames in `targets(estimatedFrameCount)` to `prepare`
    /// (full resolution, upright by `DecodedFrame`'s rotation; what it returns is kept by frame index).
    /// Like the ffmpeg CLI, corrupt packets are skipped and a demuxer read error ends the stream; both are
    /// counted in the result so callers can warn (and must throw if no frame decoded at all).
    /// stopAfterLastTarget: stop once the highest target is converted instead of decoding to the end.
    /// threads: FFmpeg frame threads, 0 for one per core (1 when several videos decode at once).
    static func decode<Output>(path: String,
                               targets chooseTargets: (Int?) -> Set<Int>,
                               stopAfterLastTarget: Bool,
                               skipping: FrameSkipping = .none, threads: Int = 0,
                               acceptImages: Bool = false,
                               prepare: (DecodedFrame) throws -> Output) throws -> DecodePassResult<Output> {
        let format = try openInput(path)
        defer { var context: UnsafeMutablePointer<AVFormatContext>? = format; avformat_close_input(&context) }
        if !acceptImages, let name = imageContainerName(format) {
            throw VideoError.imageNotVideo(path: path, format: name)
        }

        guard let streamIndex = videoStreamIndex(format) else {
            throw VideoError.noVideoStream(path: path)
        }
        let stream = format.pointee.streams[streamIndex]!
        let parameters = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            throw VideoError.unsupportedCodec(path: path, codec: name)
        }

        var codecContext = avcodec_alloc_context3(codec)
        guard let decoder = codecContext else {
            throw VideoError.decoderSetupFailed(path: path, reason: ffmpegReason(-ENOMEM))
        }
        defer { avcodec_free_context(&codecContext) }
        let parameterStatus = avcodec_parameters_to_context(decoder, parameters)
        guard parameterStatus >= 0 else {
            throw VideoError.decoderSetupFailed(path: path, reason: ffmpegReason(parameterStatus))
        }
        decoder.pointee.thread_count = Int32(max(0, threads))
        decoder.pointee.thread_type = FF_THREAD_FRAME
        if case .snapToDecodable = skipping {
            // Frames no other frame references are never decoded; targets snap to their neighbours instead.
            decoder.pointee.skip_frame = AVDISCARD_NONREF
        }
        let numbering = skipping.packetIndex
        let codecStatus = avcodec_open2(decoder, codec, nil)
        guard codecStatus >= 0 else {
            throw VideoError.decoderSetupFailed(path: path, reason: ffmpegReason(codecStatus))
        }

        var result = DecodePassResult<Output>()
        result.estimatedFrameCount = estimateFrameCount(stream: stream, format: format)
        result.declaredFrameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        let targets = chooseTargets(result.estimatedFrameCount)
        let lastTarget = targets.max() ?? -1
        let rotation = DisplayRotation(displayMatrixDegrees: cffmpeg_stream_rotation_degrees(stream))

        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        var frame = av_frame_alloc()
        defer { av_frame_free(&frame) }
        guard let packet, let frame else {
            throw VideoError.decoderSetupFailed(path: path, reason: ffmpegReason(-ENOMEM))
        }
        // Snapping: the last frame output (a reference), targets not yet placed, converted images by frame index.
        var previous: UnsafeMutablePointer<AVFrame>?
        var previousIndex = -1
        defer { av_frame_free(&previous) }
        var pendingTargets: ArraySlice<Int> = []
        var snapping = false
        if case .snapToDecodable(_, let snapTargets) = skipping { (pendingTargets, snapping) = (snapTargets[...], true) }
        var converted: [Int: Output] = [:]
        func prepared(_ source: UnsafeMutablePointer<AVFrame>) throws -> Output {
            guard let decoded = DecodedFrame(cloning: source, rotation: rotation) else {
                throw VideoError.conversionFailed(path: path, reason: ffmpegReason(-ENOMEM))
            }
            return try prepare(decoded)
        }
        func image(of source: UnsafeMutablePointer<AVFrame>, index: Int) throws -> Output {
            if let image = converted[index] { return image }
            let image = try prepared(source)
            converted[index] = image
            return image
        }
        /// Places every pending target at or before `index` on the nearer of the previous frame and this one.
        func snapTargets(upTo index: Int, current: UnsafeMutablePointer<AVFrame>?) throws {
            while let target = pendingTargets.first, target <= index || current == nil {
                let usePrevious = previous != nil && (current == nil || target - previousIndex <= index - target)
                if usePrevious, let previous {
                    result.snapped[target] = (previousIndex, try image(of: previous, index: previousIndex))
                } else if let current {
                    result.snapped[target] = (index, try image(of: current, index: index))
                } else {
                    return
                }
                pendingTargets.removeFirst()
            }
        }

        /// Takes every frame the decoder has ready; returns true when the pass may stop.
        func receiveFrames() throws -> Bool {
            while true {
                let status = avcodec_receive_frame(decoder, frame)
                if status == cffmpeg_averror_eagain() { return false }
                if status == cffmpeg_averror_eof() { result.reachedEnd = true; return true }
                if status < 0 {
                    result.lastErrorReason = ffmpegReason(status)
                    result.decodeErrors += 1
                    return false
                }
                defer { av_frame_unref(frame) }
                var index = result.framesDecoded
                if let numbering {
                    if let numbered = numbering.presentationIndex[frame.pointee.best_effort_timestamp] {
                        index = numbered
                    } else {
                        result.unnumberedFrames += 1
                        index = previousIndex + 1
                    }
                }
                let isFirst = result.framesDecoded == 0
                result.framesDecoded += 1
                if isFirst {
                    let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
                    result.displayWidth = rotation.swapsAxes ? height : width
                    result.displayHeight = rotation.swapsAxes ? width : height
                }
                if snapping {
                    try snapTargets(upTo: index, current: frame)
                    av_frame_free(&previous)
                    previous = av_frame_clone(frame)
                    previousIndex = index
                    converted = converted.filter { $0.key == index }
                    continue
                }
                previousIndex = index
                if targets.contains(index) {
                    result.images[index] = try prepared(frame)
                }
                if stopAfterLastTarget && index >= lastTarget { return true }
            }
        }

        reading: while true {
            let readStatus = av_read_frame(format, packet)
            if readStatus < 0 {
                if readStatus != cffmpeg_averror_eof() {
                    result.readErrorReason = ffmpegReason(readStatus)
                    result.lastErrorReason = result.readErrorReason
                }
                break reading
            }
            defer { av_packet_unref(packet) }
            if packet.pointee.stream_index != Int32(streamIndex) { continue }
            if case .unsampledNonReference(let index) = skipping {
                // Read when this packet is decoded (frame threads copy it as they take the packet). A packet left
                // pending until the next send would see the next packet's setting: at worst a target is skipped,
                // and the caller then decodes every frame instead.
                let isTarget = index.presentationIndex[packet.pointee.pts].map(targets.contains) ?? true
                decoder.pointee.skip_frame = isTarget ? AVDISCARD_DEFAULT : AVDISCARD_NONREF
            }
            while true {
                let sendStatus = avcodec_send_packet(decoder, packet)
                if sendStatus == cffmpeg_averror_eagain() {
                    // Decoder is full: drain frames, then offer the same packet again.
                    if try receiveFrames() { return result }
                    continue
                }
                if sendStatus < 0 {
                    result.lastErrorReason = ffmpegReason(sendStatus)
                    result.decodeErrors += 1
                }
                break
            }
            if try receiveFrames() { return result }
        }
        // Flush: frames still held for reordering or by frame threads.
        _ = avcodec_send_packet(decoder, nil)
        while !(try receiveFrames()) {}
        result.reachedEnd = true
        try snapTargets(upTo: Int.max, current: nil)
        return result
    }

    /// Opens a media file and reads its stream info; the caller closes it with `avformat_close_input`.
    static func openInput(_ path: String) throws -> UnsafeMutablePointer<AVFormatContext> {
        try checkFileExistsAndIsNotEmpty(path)
        var formatContext: UnsafeMutablePointer<AVFormatContext>?
        let openStatus = avformat_open_input(&formatContext, path, nil, nil)
        guard openStatus >= 0, let format = formatContext else {
            throw VideoError.notMedia(path: path, reason: ffmpegReason(openStatus))
        }
        let infoStatus = avformat_find_stream_info(format, nil)
        guard infoStatus >= 0 else {
            avformat_close_input(&formatContext)
            throw VideoError.notMedia(path: path, reason: ffmpegReason(infoStatus))
        }
        return format
    }

    /// The demuxer's name when it reads still images (image2, png_pipe, jpeg_pipe, ...), else nil.
    static func imageContainerName(_ format: UnsafeMutablePointer<AVFormatContext>) -> String? {
        guard let input = format.pointee.iformat, let cName = input.pointee.name else { return nil }
        let name = String(cString: cName)
        return name.hasPrefix("image2") || name.hasSuffix("_pipe") ? name : nil
    }

    private static func checkFileExistsAndIsNotEmpty(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw VideoError.fileMissing(path: path)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        if size == 0 { throw VideoError.emptyFile(path: path) }
    }

    /// The best video stream, skipping cover art (attached pictures) in audio files.
    static func videoStreamIndex(_ format: UnsafeMutablePointer<AVFormatContext>) -> Int? {
        let best = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        var candidates: [Int] = best >= 0 ? [Int(best)] : []
        for i in 0..<Int(format.pointee.nb_streams) { candidates.append(i) }
        for i in candidates {
            let stream = format.pointee.streams[i]!.pointee
            let isVideo = stream.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
            let isCoverArt = (stream.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0
            if isVideo && !isCoverArt { return i }
        }
        return nil
    }

    /// nb_frames when the container stores it, else duration * average frame rate (may be wrong for VFR;
    /// the sampler checks it against the decoded count).
    private static func estimateFrameCount(stream: UnsafeMutablePointer<AVStream>,
                                           format: UnsafeMutablePointer<AVFormatContext>) -> Int? {
        let s = stream.pointee
        if s.nb_frames > 0 { return Int(s.nb_frames) }
        var rate = s.avg_frame_rate
        if rate.num <= 0 || rate.den <= 0 { rate = s.r_frame_rate }
        guard rate.num > 0, rate.den > 0 else { return nil }
        let seconds: Double
        if s.duration != cffmpeg_nopts_value(), s.duration > 0, s.time_base.den > 0 {
            seconds = Double(s.duration) * av_q2d(s.time_base)
        } else if format.pointee.duration != cffmpeg_nopts_value(), format.pointee.duration > 0 {
            seconds = Double(format.pointee.duration) / Double(AV_TIME_BASE)
        } else {
            return nil
        }
        let frames = (seconds * av_q2d(rate)).rounded()
        return frames >= 1 && frames < 1e9 ? Int(frames) : nil
    }
}
