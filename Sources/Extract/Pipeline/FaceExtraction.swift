import Foundation
import Shared

/// The face stage of `extract`: face tracks into `faces_f<FRAMES>.h5` (detected once per dataset and frame
/// count), and, when an embedding cache is being built, the crops around them through the backbone.
///
/// Each video is decoded once: its sampled frames stay at full resolution while the detector looks at
/// downscaled copies, and the crops are cut from the full frames. A video whose track the face cache already
/// holds is only decoded and cropped. Both caches journal every finished video, so a killed run resumes.
public struct FaceExtraction {
    let request: ExtractionRequest
    let faceMetadata: FaceCacheMetadata
    let cropping: FaceCropping

    /// What the face stage did, for the closing lines.
    public struct Outcome: Sendable {
        var facesDetected = 0
        var facesReused = 0
        var videosWithoutFace = 0
        var framesEmbedded = 0
        var failures = 0
        public var faceCacheURL: URL

        public var line: String {
            "faces: \(facesDetected) videos detected, \(facesReused) reused, \(videosWithoutFace) without a face, "
                + "\(failures) failures -> \(faceCacheURL.path)"
        }
    }

    /// The part of the work that embeds: the backbone and the embedding cache's session.
    public struct Embedding {
        let backbone: any Backbone
        var writer: CacheWriteSession
    }

    /// Builds or completes the face cache (and the embedding rows `embedding` still needs).
    func run(_ videos: [DatasetVideo], wanted: [WantedVideo], embedding: inout Embedding?) async throws -> Outcome {
        let faceURL = request.faceOutputURL
        var outcome = Outcome(faceCacheURL: faceURL)
        var faces = try FaceCacheWriteSession(cacheURL: faceURL, metadata: faceMetadata)
        var sources = try FileManager.default.fileExists(atPath: faceURL.path) ? [FinishedFaces(FaceCacheReader(url: faceURL))] : []
        if let whole = try wholeFaceCache() {
            try Self.seed(&faces, from: whole, wanted: wanted)
            sources.append(whole)
        }
        var work: [(video: DatasetVideo, wanted: WantedVideo, known: KnownFaceTrack?, embed: Bool)] = []
        for (video, want) in zip(videos, wanted) {
            let embed = embedding?.writer.needsExtraction(want) ?? false
            let detect = faces.needsExtraction(want)
            guard embed || detect else { continue }
            let known = detect ? nil : sources.lazy.compactMap { Self.known(want, in: $0) }.first
            if case .failure(let reason)? = known, embed, request.noFace == .fail || !reason.noFace {
                try embedding?.writer.recordFailure(CacheFailure(path: want.path, reason: reason.text, bytes: want.bytes, mtime: want.mtime))
                outcome.failures += 1
                continue
            }
            work.append((video, want, known?.track, embed))
        }
        outcome.facesReused = videos.count - work.filter { $0.known == nil }.count
        try await process(work, faces: &faces, embedding: &embedding, outcome: &outcome)
        try faces.finish(keeping: wanted)
        return outcome
    }

    private typealias Work = (video: DatasetVideo, wanted: WantedVideo, known: KnownFaceTrack?, embed: Bool)

    private func process(_ work: [Work], faces: inout FaceCacheWriteSession, embedding: inout Embedding?,
                         outcome: inout Outcome) async throws {
        guard !work.isEmpty else { return }
        let known = work.map(\.known)
        let cropping = self.cropping
        var progress = ProgressLine(label: embedding == nil ? "faces" : "extract", total: work.count, unit: "frames")
        var done = 0, frames = 0
        let urls = work.map(\.video.url)
        try await cropping.sampler.forEachVideo(urls, ahead: 2, work: { index, sampler in
            try cropping.with(sampler).process(urls[index], known: known[index])
        }) { index, result in
            let item = work[index]
            let want = item.wanted
            switch result {
            case .success(let video):
                for warning in video.sampled.warnings { progress.finish(); printError("extract: \(item.video.relativePath): \(warning)") }
                if video.detected {
                    outcome.facesDetected += 1
                    try recordTrack(video, of: want, in: &faces, outcome: &outcome)
                }
                if item.embed, let backbone = embedding?.backbone {
                    let sampled = video.sampled
                    try embedding?.writer.append(CachedVideo(
                        path: want.path, label: want.label, split: want.split, bytes: want.bytes, mtime: want.mtime,
                        totalFrames: Int32(sampled.totalFrames), frameIndices: sampled.frameIndices, valid: sampled.valid,
                        embeddings: sampled.embeddings(with: backbone, batchSize: request.batchSize)))
                    outcome.framesEmbedded += sampled.valid.filter { $0 }.count
                }
                frames += video.sampled.valid.filter { $0 }.count
            case .failure(let error):
                outcome.failures += 1
                progress.finish()
                printError("extract: skipped \(item.video.relativePath): \(error)")
                let failure = CacheFailure(path: want.path, reason: "\(error)", bytes: want.bytes, mtime: want.mtime)
                if item.known == nil { try faces.recordFailure(failure) }
                if item.embed { try embedding?.writer.recordFailure(failure) }
                if error is FaceError, item.known == nil { outcome.videosWithoutFace += 1 }
            }
            done += 1
            progress.update(done: done, work: frames, force: done == work.count)
        }
        progress.finish()
    }

    /// A detected track goes into the face cache; a video without a face (embedded whole under
    /// `--no-face whole-frame`) is a failure there, so the face cache never claims a face it did not see.
    private func recordTrack(_ video: FaceVideo, of want: WantedVideo, in faces: inout FaceCacheWriteSession,
                             outcome: inout Outcome) throws {
        let sampled = video.sampled
        guard let track = video.track else {
            outcome.videosWithoutFace += 1
            let reason = FaceError.noFace(path: want.path, frames: sampled.valid.filter { $0 }.count)
            try faces.recordFailure(CacheFailure(path: want.path, reason: "\(reason)", bytes: want.bytes, mtime: want.mtime))
            return
        }
        try faces.append(FaceTrackRecord(
            path: want.path, label: want.label, split: want.split, group: want.group, bytes: want.bytes, mtime: want.mtime,
            totalFrames: Int32(sampled.totalFrames), frameIndices: sampled.frameIndices, valid: sampled.valid,
            frameWidth: Int32(sampled.width), frameHeight: Int32(sampled.height), track: track))
    }

    /// What the finished face cache says about an unchanged video.
    private enum Known {
        case track(KnownFaceTrack)
        case failure(FailureReason)
        var track: KnownFaceTrack? {
            switch self {
            case .track(let known): return known
            case .failure(let reason): return reason.noFace ? .noFace : nil
            }
        }
    }

    private struct FailureReason {
        let text: String
        /// The failure is "no face" (so `--no-face whole-frame` may still embed the video).
        let noFace: Bool
    }

    /// A finished face cache with its failures by path (one lookup table, not a scan per video).
    private struct FinishedFaces {
        let reader: FaceCacheReader
        let failures: [String: CacheFailure]

        init(_ reader: FaceCacheReader) {
            self.reader = reader
            failures = Dictionary(reader.failures.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// A shard's run also reuses the dataset's whole face cache (made in one process, or merged) when it was
    /// made with these settings: nil for a whole-dataset run, or when there is none or it differs.
    private func wholeFaceCache() throws -> FinishedFaces? {
        let url = request.faceCacheURL
        guard request.shard != nil, FileManager.default.fileExists(atPath: url.path) else { return nil }
        let reader = try FaceCacheReader(url: url)
        var comparable = reader.metadata
        comparable.shard = faceMetadata.shard
        let differences = comparable.differences(from: faceMetadata)
        guard differences.isEmpty else {
            printError("extract: note: not reusing \(url.path): made with other settings (\(differences.joined(separator: "; ")))")
            return nil
        }
        return FinishedFaces(reader)
    }

    /// Copies into a shard's face cache every unchanged track or failure of its videos the whole cache
    /// holds and the shard does not, so the shard file is complete without detecting them again.
    private static func seed(_ faces: inout FaceCacheWriteSession, from whole: FinishedFaces, wanted: [WantedVideo]) throws {
        for want in wanted where faces.needsExtraction(want) {
            if let record = whole.reader.record(forPath: want.path), record.stamp == want.stamp {
                try faces.append(record)
            } else if let failure = whole.failures[want.path], failure.stamp == want.stamp {
                try faces.recordFailure(failure)
            }
        }
    }

    private static func known(_ want: WantedVideo, in source: FinishedFaces) -> Known? {
        let reader = source.reader
        if let record = reader.record(forPath: want.path), record.stamp == want.stamp {
            return .track(.track(record.track, frameIndices: record.frameIndices))
        }
        if let failure = source.failures[want.path], failure.stamp == want.stamp {
            return .failure(FailureReason(text: failure.reason, noFace: failure.reason.contains(FaceError.noFaceMarker)))
        }
        return nil
    }
}
