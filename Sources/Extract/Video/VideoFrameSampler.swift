import Foundation
import Shared

/// How frames are located in a video.
public enum SamplingMode: String, Sendable, CaseIterable {
    /// Decode sequentially and take exactly the frames at the sampled indices (no seeking, no keyframe snapping).
    case exact
    /// Opt-in, faster: frames no other frame references are skipped by the decoder (about half of an H.264
    /// stream with B-frames), and each sampled index snaps to the nearest frame that was decoded (ties to the
    /// earlier one); frame indices record the frames actually used. Frames are numbered by timestamp from a
    /// demux-only pass; files without timestamps, and videos shorter than the slot count, fall back to exact.
    case nearestDecodable = "nearest-decodable"
}

/// Frames sampled from one video, one slot per requested frame, in whatever form the caller prepared them.
public struct SampledVideo<Frame> {
    /// [count] prepared frames; nil for padded slots.
    public var frames: [Frame?]
    /// Decoded frame index of each slot; -1 for padded slots.
    public var frameIndices: [Int32]
    /// false for padded slots.
    public var valid: [Bool]
    /// Real frame count of the video (frames the decoder produces when it decodes them all).
    public var totalFrames: Int
    /// Frames actually decoded: fewer than totalFrames when frames nothing needed were skipped.
    public var decodedFrames: Int
    /// Source display size (after rotation).
    public var width: Int
    public var height: Int
    /// Non-fatal problems worth logging: skipped corrupt packets, a read error that ended the file early,
    /// fewer frames than the container declares (a truncated file, or a header counting dropped frames).
    public var warnings: [String] = []

    /// The same slots with each present frame transformed; transform(slot, frame).
    public func map<Other>(_ transform: (Int, Frame) throws -> Other) rethrows -> SampledVideo<Other> {
        let transformed = try frames.enumerated().map { slot, frame in try frame.map { try transform(slot, $0) } }
        return SampledVideo<Other>(frames: transformed, frameIndices: frameIndices, valid: valid,
                            totalFrames: totalFrames, decodedFrames: decodedFrames, width: width, height: height,
                            warnings: warnings)
    }
}

/// Network inputs of one video's sampled frames, one per slot.
public struct SampledFrames: Sendable {
    /// [count] images of outputSize x outputSize RGB; padded slots hold a black image.
    public var images: [RGBImage]
    /// Decoded frame index of each slot; -1 for padded slots.
    public var frameIndices: [Int32]
    /// false for padded slots.
    public var valid: [Bool]
    public var totalFrames: Int
    public var decodedFrames: Int
    /// Source display size (after rotation).
    public var width: Int
    public var height: Int
    public var warnings: [String] = []

    /// Padded slots become black images of `size` x `size`.
    public init(_ video: SampledVideo<RGBImage>, size: Int) {
        let black = RGBImage(width: size, height: size, pixels: [UInt8](repeating: 0, count: size * size * 3))
        images = video.frames.map { $0 ?? black }
        frameIndices = video.frameIndices
        valid = video.valid
        totalFrames = video.totalFrames
        decodedFrames = video.decodedFrames
        width = video.width
        height = video.height
        warnings = video.warnings
    }
}

/// Samples `frameCount` frames uniformly over a whole video (see `uniformFrameIndices` for the rounding)
/// and hands each to a preparation step (by default `preprocessing`: the network input).
///
/// Frame index = position in the decoder's output (presentation) order, so variable frame rate does not
/// matter. The total is taken from the container (nb_frames, else duration * frame rate) and always checked
/// by decoding to the end; if it was wrong, the indices are recomputed from the true count and a second pass
/// converts the frames the first one missed, so the result equals sampling with the exact count.
///
/// Short videos (fewer frames than `frameCount`): every frame 0..<n in order, then padding slots with no
/// frame, frame index -1 and valid false. A video with no decodable frame throws `VideoError`.
///
/// Rotation metadata (display matrix) is applied in right-angle steps so frames are upright; pixel aspect
/// ratio is ignored. Each `sample` call owns its FFmpeg contexts, so tasks may sample concurrently.
public struct VideoFrameSampler: Sendable {
    public let frameCount: Int
    /// How `sample(_:)` turns frames into network inputs.
    public let preprocessing: FramePreprocessing
    public let mode: SamplingMode
    /// FFmpeg decoding threads per video: 0 for one per core; 1 when the caller decodes several videos at once
    /// (frame threads cost about 15% more CPU per frame than one thread, which only pays when a core is idle).
    public let decoderThreads: Int

    public init(frameCount: Int, preprocessing: FramePreprocessing, mode: SamplingMode = .exact,
                decoderThreads: Int = 0) {
        self.frameCount = frameCount
        self.preprocessing = preprocessing
        self.mode = mode
        self.decoderThreads = decoderThreads
    }

    public init(frameCount: Int, outputSize: Int, crop: CropPolicy = .wholeFrame, mode: SamplingMode = .exact,
                decoderThreads: Int = 0) {
        self.init(frameCount: frameCount, preprocessing: FramePreprocessing(crop: crop, outputSize: outputSize),
                  mode: mode, decoderThreads: decoderThreads)
    }

    public var outputSize: Int { preprocessing.outputSize }
    public var crop: CropPolicy { preprocessing.crop }

    public func withDecoderThreads(_ threads: Int) -> VideoFrameSampler {
        VideoFrameSampler(frameCount: frameCount, preprocessing: preprocessing, mode: mode, decoderThreads: threads)
    }

    /// The network inputs (`preprocessing`) of the sampled frames. Face crops need each frame's box, so they
    /// go through `sampleDecoded` instead.
    /// Throws `VideoError` for missing, empty, non-media, audio-only, unsupported or undecodable files.
    public func sample(_ url: URL) throws -> SampledFrames {
        let path = url.path
        guard outputSize >= 1, crop != .face else {
            throw VideoError.invalidSettings(
                path: path, detail: crop == .face ? "face crops need face boxes: sample the decoded frames" : "output size \(outputSize)")
        }
        let converter = FrameConverter()
        let video = try sample(url) { try preprocessing.image(from: $0, converter: converter, path: path) }
        return SampledFrames(video, size: outputSize)
    }

    /// The sampled frames at full resolution, as decoded (references to the decoder's buffers, no conversion).
    public func sampleDecoded(_ url: URL) throws -> SampledVideo<DecodedFrame> {
        try sample(url) { $0 }
    }

    /// The sampled frames, each handed to `prepare` as it is decoded (so only what it keeps stays in memory).
    public func sample<Frame>(_ url: URL, prepare: (DecodedFrame) throws -> Frame) throws -> SampledVideo<Frame> {
        let path = url.path
        guard frameCount >= 1 else {
            throw VideoError.invalidSettings(path: path, detail: "frame count \(frameCount)")
        }
        let slotCount = frameCount
        let packetIndex = try PacketIndex.read(path: path, onlyForExactSkipping: mode == .exact)
        if mode == .nearestDecodable, let packetIndex,
           let snapped = try sampleNearestDecodable(path: path, packetIndex, prepare: prepare) {
            return snapped
        }
        if mode == .exact, let packetIndex,
           let skipped = try sampleSkippingUnsampled(path: path, packetIndex, prepare: prepare) {
            return skipped
        }
        let first = try VideoDecoder.decode(
            path: path,
            targets: { estimate in
                guard let estimate else { return [] }
                return FrameSlotPlan(totalFrames: estimate, slotCount: slotCount).targetFrames
            },
            stopAfterLastTarget: false, threads: decoderThreads, prepare: prepare)
        let total = first.framesDecoded
        guard total > 0 else {
            throw VideoError.noDecodableFrames(
                path: path, reason: first.lastErrorReason ?? "the video stream has no frames")
        }

        let plan = FrameSlotPlan(totalFrames: total, slotCount: slotCount)
        var images = first.images
        let missing = plan.targetFrames.subtracting(images.keys)
        if !missing.isEmpty {
            // The container's count was wrong: fetch the frames the corrected indices need.
            let second = try VideoDecoder.decode(
                path: path, targets: { _ in missing }, stopAfterLastTarget: true, threads: decoderThreads,
                prepare: prepare)
            for index in missing {
                guard let image = second.images[index] else {
                    throw VideoError.inconsistentDecode(
                        path: path, detail: "frame \(index) of \(total) not produced by the second pass")
                }
                images[index] = image
            }
        }

        var sampled = assemble(plan: plan, images: images, first)
        sampled.warnings = Self.warnings(for: first, path: path)
        return sampled
    }

    /// Slots in plan order from prepared frames by frame index; padding slots get no frame.
    private func assemble<Frame>(plan: FrameSlotPlan, images: [Int: Frame],
                                 _ pass: DecodePassResult<Frame>) -> SampledVideo<Frame> {
        var sampled = SampledVideo<Frame>(frames: [], frameIndices: [], valid: [], totalFrames: plan.totalFrames,
                                          decodedFrames: pass.framesDecoded, width: pass.displayWidth,
                                          height: pass.displayHeight)
        sampled.frames.reserveCapacity(plan.slotFrameIndices.count)
        for index in plan.slotFrameIndices {
            let image = index >= 0 ? images[index] : nil
            sampled.frames.append(image)
            sampled.frameIndices.append(Int32(index))
            sampled.valid.append(image != nil)
        }
        return sampled
    }

    /// The exact result at less cost: unsampled non-reference frames are not decoded, and frames are counted
    /// from the packet index. nil (decode every frame instead) when the stream does not allow it, the video
    /// is shorter than the slot count, or the pass saw anything unusual (a decode error, a frame the index
    /// does not know, a target that did not come out).
    private func sampleSkippingUnsampled<Frame>(path: String, _ packetIndex: PacketIndex,
                                                prepare: (DecodedFrame) throws -> Frame) throws -> SampledVideo<Frame>? {
        guard packetIndex.allowsExactSkipping, packetIndex.count >= frameCount else { return nil }
        let plan = FrameSlotPlan(totalFrames: packetIndex.count, slotCount: frameCount)
        let targets = plan.targetFrames
        let pass = try VideoDecoder.decode(
            path: path, targets: { _ in targets }, stopAfterLastTarget: true,
            skipping: .unsampledNonReference(packetIndex), threads: decoderThreads, prepare: prepare)
        guard pass.decodeErrors == 0, pass.readErrorReason == nil, pass.unnumberedFrames == 0,
              targets.allSatisfy({ pass.images[$0] != nil }) else { return nil }
        return assemble(plan: plan, images: pass.images, pass)
    }

    /// nil when this video needs the exact path (fewer frames than slots).
    private func sampleNearestDecodable<Frame>(path: String, _ packetIndex: PacketIndex,
                                               prepare: (DecodedFrame) throws -> Frame) throws -> SampledVideo<Frame>? {
        guard packetIndex.count >= frameCount else { return nil }
        let plan = FrameSlotPlan(totalFrames: packetIndex.count, slotCount: frameCount)
        let pass = try VideoDecoder.decode(
            path: path, targets: { _ in [] }, stopAfterLastTarget: false,
            skipping: .snapToDecodable(packetIndex, targets: plan.targetFrames.sorted()), threads: decoderThreads,
            prepare: prepare)
        guard pass.framesDecoded > 0 else {
            throw VideoError.noDecodableFrames(path: path, reason: pass.lastErrorReason ?? "the video stream has no frames")
        }
        var sampled = SampledVideo<Frame>(frames: [], frameIndices: [], valid: [], totalFrames: packetIndex.count,
                                          decodedFrames: pass.framesDecoded, width: pass.displayWidth,
                                          height: pass.displayHeight)
        sampled.warnings = Self.warnings(for: pass, path: path).filter { !$0.contains("container declares") }
        for target in plan.slotFrameIndices {
            guard let (index, image) = pass.snapped[target] else {
                throw VideoError.inconsistentDecode(path: path, detail: "no decoded frame near frame \(target)")
            }
            sampled.frames.append(image)
            sampled.frameIndices.append(Int32(index))
            sampled.valid.append(true)
        }
        return sampled
    }

    private static func warnings<Frame>(for pass: DecodePassResult<Frame>, path: String) -> [String] {
        var warnings: [String] = []
        if let reason = pass.readErrorReason {
            warnings.append("\(path): reading stopped early on an error (\(reason)) after \(pass.framesDecoded) frames; "
                + "the file may be truncated")
        }
        if pass.decodeErrors > 0 {
            warnings.append("\(path): \(pass.decodeErrors) corrupt packets skipped (last: \(pass.lastErrorReason ?? "?"))")
        }
        if let declared = pass.declaredFrameCount, pass.framesDecoded < declared {
            warnings.append("\(path): container declares \(declared) frames but \(pass.framesDecoded) decoded; "
                + "the file may be truncated (or its header counts dropped frames); sampled over the decoded frames")
        }
        return warnings
    }
}
