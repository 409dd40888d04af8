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

/// Frames sampled from one video, one slot per requested frame.
public struct SampledFrames: Sendable {
    /// [count] images of outputSize x outputSize RGB; padded slots hold a black image.
    public var images: [RGBImage]
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
}

/// Samples `frameCount` frames uniformly over a whole video (see `uniformFrameIndices` for the rounding)
/// and converts them to RGB at outputSize x outputSize.
///
/// Frame index = position in the decoder's output (presentation) order, so variable frame rate does not
/// matter. The total is taken from the container (nb_frames, else duration * frame rate) and always checked
/// by decoding to the end; if it was wrong, the indices are recomputed from the true count and a second pass
/// converts the frames the first one missed, so the result equals sampling with the exact count.
///
/// Short videos (fewer frames than `frameCount`): every frame 0..<n in order, then padding slots holding a
/// black image, frame index -1 and valid false. A video with no decodable frame throws `VideoError`.
///
/// Rotation metadata (display matrix) is applied in right-angle steps so frames are upright; pixel aspect
/// ratio is ignored. Each `sample` call owns its FFmpeg contexts, so tasks may sample concurrently.
public struct VideoFrameSampler: Sendable {
    public let frameCount: Int
    public let outputSize: Int
    public let crop: CropPolicy
    public let mode: SamplingMode
    /// FFmpeg decoding threads per video: 0 for one per core; 1 when the caller decodes several videos at once
    /// (frame threads cost about 15% more CPU per frame than one thread, which only pays when a core is idle).
    public let decoderThreads: Int

    public init(frameCount: Int, outputSize: Int, crop: CropPolicy = .wholeFrame, mode: SamplingMode = .exact,
                decoderThreads: Int = 0) {
        self.frameCount = frameCount
        self.outputSize = outputSize
        self.crop = crop
        self.mode = mode
        self.decoderThreads = decoderThreads
    }

    public func withDecoderThreads(_ threads: Int) -> VideoFrameSampler {
        VideoFrameSampler(frameCount: frameCount, outputSize: outputSize, crop: crop, mode: mode, decoderThreads: threads)
    }

    /// Throws `VideoError` for missing, empty, non-media, audio-only, unsupported or undecodable files.
    public func sample(_ url: URL) throws -> SampledFrames {
        let path = url.path
        guard frameCount >= 1, outputSize >= 1 else {
            throw VideoError.invalidSettings(
                path: path, detail: "frame count \(frameCount), output size \(outputSize)")
        }
        let slotCount = frameCount
        let packetIndex = try PacketIndex.read(path: path, onlyForExactSkipping: mode == .exact)
        if mode == .nearestDecodable, let packetIndex, let snapped = try sampleNearestDecodable(path: path, packetIndex) {
            return snapped
        }
        if mode == .exact, let packetIndex, let skipped = try sampleSkippingUnsampled(path: path, packetIndex) {
            return skipped
        }
        let first = try VideoDecoder.decode(
            path: path, outputSize: outputSize, crop: crop,
            targets: { estimate in
                guard let estimate else { return [] }
                return FrameSlotPlan(totalFrames: estimate, slotCount: slotCount).targetFrames
            },
            stopAfterLastTarget: false, threads: decoderThreads)
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
                path: path, outputSize: outputSize, crop: crop,
                targets: { _ in missing }, stopAfterLastTarget: true, threads: decoderThreads)
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

    /// Slots in plan order from converted images by frame index; padding slots get a black image.
    private func assemble(plan: FrameSlotPlan, images: [Int: RGBImage], _ pass: DecodePassResult) -> SampledFrames {
        let black = RGBImage(width: outputSize, height: outputSize,
                             pixels: [UInt8](repeating: 0, count: outputSize * outputSize * 3))
        var sampled = SampledFrames(images: [], frameIndices: [], valid: [], totalFrames: plan.totalFrames,
                                    decodedFrames: pass.framesDecoded, width: pass.displayWidth,
                                    height: pass.displayHeight)
        sampled.images.reserveCapacity(plan.slotFrameIndices.count)
        for index in plan.slotFrameIndices {
            let image = index >= 0 ? images[index] : nil
            sampled.images.append(image ?? black)
            sampled.frameIndices.append(Int32(index))
            sampled.valid.append(image != nil)
        }
        return sampled
    }

    /// The exact result at less cost: unsampled non-reference frames are not decoded, and frames are counted
    /// from the packet index. nil (decode every frame instead) when the stream does not allow it, the video
    /// is shorter than the slot count, or the pass saw anything unusual (a decode error, a frame the index
    /// does not know, a target that did not come out).
    private func sampleSkippingUnsampled(path: String, _ packetIndex: PacketIndex) throws -> SampledFrames? {
        guard packetIndex.allowsExactSkipping, packetIndex.count >= frameCount else { return nil }
        let plan = FrameSlotPlan(totalFrames: packetIndex.count, slotCount: frameCount)
        let targets = plan.targetFrames
        let pass = try VideoDecoder.decode(
            path: path, outputSize: outputSize, crop: crop, targets: { _ in targets }, stopAfterLastTarget: true,
            skipping: .unsampledNonReference(packetIndex), threads: decoderThreads)
        guard pass.decodeErrors == 0, pass.readErrorReason == nil, pass.unnumberedFrames == 0,
              targets.allSatisfy({ pass.images[$0] != nil }) else { return nil }
        return assemble(plan: plan, images: pass.images, pass)
    }

    /// nil when this video needs the exact path (fewer frames than slots).
    private func sampleNearestDecodable(path: String, _ packetIndex: PacketIndex) throws -> SampledFrames? {
        guard packetIndex.count >= frameCount else { return nil }
        let plan = FrameSlotPlan(totalFrames: packetIndex.count, slotCount: frameCount)
        let pass = try VideoDecoder.decode(
            path: path, outputSize: outputSize, crop: crop, targets: { _ in [] }, stopAfterLastTarget: false,
            skipping: .snapToDecodable(packetIndex, targets: plan.targetFrames.sorted()), threads: decoderThreads)
        guard pass.framesDecoded > 0 else {
            throw VideoError.noDecodableFrames(path: path, reason: pass.lastErrorReason ?? "the video stream has no frames")
        }
        var sampled = SampledFrames(images: [], frameIndices: [], valid: [], totalFrames: packetIndex.count,
                                    decodedFrames: pass.framesDecoded, width: pass.displayWidth,
                                    height: pass.displayHeight)
        sampled.warnings = Self.warnings(for: pass, path: path).filter { !$0.contains("container declares") }
        for target in plan.slotFrameIndices {
            guard let (index, image) = pass.snapped[target] else {
                throw VideoError.inconsistentDecode(path: path, detail: "no decoded frame near frame \(target)")
            }
            sampled.images.append(image)
            sampled.frameIndices.append(Int32(index))
            sampled.valid.append(true)
        }
        return sampled
    }

    private static func warnings(for pass: DecodePassResult, path: String) -> [String] {
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
