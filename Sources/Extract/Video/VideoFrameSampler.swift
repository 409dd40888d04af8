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
    /// Real frame count of the video (frames the decoder produced).
    public var totalFrames: Int
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

    public init(frameCount: Int, outputSize: Int, crop: CropPolicy = .wholeFrame, mode: SamplingMode = .exact) {
        self.frameCount = frameCount
        self.outputSize = outputSize
        self.crop = crop
        self.mode = mode
    }

    /// Throws `VideoError` for missing, empty, non-media, audio-only, unsupported or undecodable files.
    public func sample(_ url: URL) throws -> SampledFrames {
        let path = url.path
        guard frameCount >= 1, outputSize >= 1 else {
            throw VideoError.invalidSettings(
                path: path, detail: "frame count \(frameCount), output size \(outputSize)")
        }
        let slotCount = frameCount
        if mode == .nearestDecodable, let snapped = try sampleNearestDecodable(path: path) { return snapped }
        let first = try VideoDecoder.decode(
            path: path, outputSize: outputSize, crop: crop,
            targets: { estimate in
                guard let estimate else { return [] }
                return FrameSlotPlan(totalFrames: estimate, slotCount: slotCount).targetFrames
            },
            stopAfterLastTarget: false)
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
                targets: { _ in missing }, stopAfterLastTarget: true)
            for index in missing {
                guard let image = second.images[index] else {
                    throw VideoError.inconsistentDecode(
                        path: path, detail: "frame \(index) of \(total) not produced by the second pass")
                }
                images[index] = image
            }
        }

        let black = RGBImage(width: outputSize, height: outputSize,
                             pixels: [UInt8](repeating: 0, count: outputSize * outputSize * 3))
        var sampled = SampledFrames(images: [], frameIndices: [], valid: [], totalFrames: total,
                                    width: first.displayWidth, height: first.displayHeight)
        sampled.warnings = Self.warnings(for: first, path: path)
        sampled.images.reserveCapacity(slotCount)
        for index in plan.slotFrameIndices {
            let image = index >= 0 ? images[index] : nil
            sampled.images.append(image ?? black)
            sampled.frameIndices.append(Int32(index))
            sampled.valid.append(image != nil)
        }
        return sampled
    }

    /// nil when this video needs the exact path (no timestamps, or fewer frames than slots).
    private func sampleNearestDecodable(path: String) throws -> SampledFrames? {
        guard let presentationIndex = try VideoDecoder.presentationIndices(path: path),
              presentationIndex.count >= frameCount else { return nil }
        let plan = FrameSlotPlan(totalFrames: presentationIndex.count, slotCount: frameCount)
        let pass = try VideoDecoder.decode(
            path: path, outputSize: outputSize, crop: crop, targets: { _ in [] }, stopAfterLastTarget: false,
            snapping: NearestDecodableTargets(presentationIndex: presentationIndex, targets: plan.targetFrames.sorted()))
        guard pass.framesDecoded > 0 else {
            throw VideoError.noDecodableFrames(path: path, reason: pass.lastErrorReason ?? "the video stream has no frames")
        }
        var sampled = SampledFrames(images: [], frameIndices: [], valid: [], totalFrames: presentationIndex.count,
                                    width: pass.displayWidth, height: pass.displayHeight)
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
