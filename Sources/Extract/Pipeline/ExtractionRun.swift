import Foundation
import Shared

/// Stage 1 end to end: dataset listing -> frame sampling -> backbone -> crash-safe cache.
///
/// The next videos decode while the CNN embeds the current one (`decodeAhead` at a time, one decoder thread
/// each), so both cores stay busy; finished videos are journaled one by one, so a killed run resumes where it
/// stopped.
public struct ExtractionRun: Sendable {
    public let request: ExtractionRequest
    /// Recorded in every cache so a reader knows how the frames were chosen.
    public static let samplingPolicy = samplingPolicy(for: .exact)

    /// The cache's sampling_policy attribute for each mode (a cache written in one mode never passes for the other).
    public static func samplingPolicy(for mode: SamplingMode) -> String {
        switch mode {
        case .exact: return exactSamplingPolicy
        case .nearestDecodable: return "nearest-decodable: targets floor(linspace(0, n-1, FRAMES)) over the video's packet count n (frames numbered by timestamp), decoding only reference frames (skip_frame nonref); each target snaps to the nearest decoded frame (ties to the earlier), frame_indices record the frames used; videos with n < FRAMES, or without timestamps, are sampled exactly"
        }
    }

    private static let exactSamplingPolicy = "uniform: frame indices floor(linspace(0, n-1, FRAMES)) over the decoded frame count n, exact sequential decode; videos with n < FRAMES keep frames 0..n-1 and pad the rest (zero embedding, frame index -1, valid 0)"

    /// How many videos decode, or wait decoded, while the CNN works: the cores' worth, and it bounds memory.
    public var decodeAhead = 2

    public init(request: ExtractionRequest) {
        self.request = request
    }

    public func run() async throws -> ExtractionSummary {
        let started = Date()
        try validate()
        let (listed, everyWanted) = try listVideos()
        let (videos, wanted) = shardOf(listed, everyWanted)
        // Loaded (and its hash taken) before the cache's journal is opened, so bad weights leave no trace there;
        // the cache records the hash of the weights it was made with.
        let backbone = try loadBackbone()
        var metadata = cacheMetadata(weightsSHA256: backbone.sha256)
        metadata.listingSHA256 = ListingDigest.sha256(of: everyWanted)
        let cacheURL = request.outputURL
        if CacheWriteSession.isUpToDate(cacheURL: cacheURL, metadata: metadata, videos: wanted) {
            return ExtractionSummary(cacheURL: cacheURL, videosInDataset: videos.count, videosExtracted: 0,
                                     videosReused: videos.count, framesEmbedded: 0, failures: 0,
                                     seconds: Date().timeIntervalSince(started), upToDate: true)
        }

        var writer = try CacheWriteSession(cacheURL: cacheURL, metadata: metadata)
        let pending = zip(videos, wanted).filter { writer.needsExtraction($0.1) }.map(\.0)
        let reusable = videos.count - pending.count
        let part = request.shard.map { " shard \($0) (of \(listed.count) videos)" } ?? ""
        printError("extract: \(request.dataset)\(part): \(videos.count) videos, \(reusable) already cached, \(pending.count) to extract with \(request.backbone.rawValue) at \(request.frames) frames, \(request.crop.rawValue)"
                   + " (\(KernelISA.active.rawValue) backbone kernels on \(availableCores) core\(availableCores == 1 ? "" : "s"))"
                   + " (OpenBLAS \(OpenBLASKernels.coreName) kernels)")
        var outcome: (frames: Int, failures: Int)
        if request.crop == .face {
            var embedding: FaceExtraction.Embedding? = FaceExtraction.Embedding(backbone: backbone.network, writer: writer)
            let faces = try await faceExtraction(listingSHA256: metadata.listingSHA256)
                .run(videos, wanted: wanted, embedding: &embedding)
            writer = embedding!.writer
            outcome = (faces.framesEmbedded, faces.failures)
            printError("extract: \(faces.line)")
        } else {
            outcome = try await embedWholeFrames(pending, writer: &writer, backbone: backbone.network)
        }
        let finalURL = try writer.finish(keeping: wanted)
        return ExtractionSummary(cacheURL: finalURL, videosInDataset: videos.count, videosExtracted: pending.count - outcome.failures,
                                 videosReused: reusable, framesEmbedded: outcome.frames, failures: outcome.failures,
                                 seconds: Date().timeIntervalSince(started), upToDate: false)
    }

    /// `extract faces`: the face cache only (detect and track; nothing is embedded).
    public func runFaces() async throws -> FaceExtraction.Outcome {
        try validate()
        let (listed, everyWanted) = try listVideos()
        let (videos, wanted) = shardOf(listed, everyWanted)
        if let shard = request.shard {
            printError("extract: \(request.dataset) shard \(shard) (of \(listed.count) videos): face tracks of \(videos.count) videos")
        }
        var none: FaceExtraction.Embedding?
        return try await faceExtraction(listingSHA256: ListingDigest.sha256(of: everyWanted))
            .run(videos, wanted: wanted, embedding: &none)
    }

    /// The videos of `--shard` (`ShardPlan`), or all of them.
    private func shardOf(_ listed: [DatasetVideo], _ wanted: [WantedVideo]) -> (videos: [DatasetVideo], wanted: [WantedVideo]) {
        request.shard.map { ShardPlan.select(listed, wanted: wanted, shard: $0) } ?? (listed, wanted)
    }

    private func validate() throws {
        guard ExtractionRequest.frameRange.contains(request.frames) else {
            throw PipelineError("FRAMES=\(request.frames) is out of range: choose \(ExtractionRequest.frameRange.lowerBound)...\(ExtractionRequest.frameRange.upperBound) (the notebook used 16 to 256)")
        }
        guard request.batchSize > 0 else {
            throw PipelineError("batch size \(request.batchSize) must be at least 1")
        }
        guard FramePreprocessing.faceScaleRange.contains(request.faceScale) else {
            throw PipelineError("--face-scale \(request.faceScale) is out of range: choose \(FramePreprocessing.faceScaleRange.lowerBound)...\(FramePreprocessing.faceScaleRange.upperBound) (FaceForensics++ uses 1.3)")
        }
        guard DetectionResolution.allowedMaxSides.contains(request.detectMaxSide) else {
            throw PipelineError("--detect-max-side \(request.detectMaxSide) is out of range: choose \(DetectionResolution.allowedMaxSides.lowerBound)...\(DetectionResolution.allowedMaxSides.upperBound) pixels")
        }
    }

    private func listVideos() throws -> (videos: [DatasetVideo], wanted: [WantedVideo]) {
        let listing = try DatasetLayout(name: request.dataset, dataDirectory: request.dataDirectory).list(options: request.layout)
        for warning in listing.warnings { printError("extract: warning: \(warning)") }
        if let skipped = listing.skippedSummary { printError("extract: \(skipped)") }
        if listing.ignoredFiles > 0 {
            printError("extract: \(request.dataset): \(listing.ignoredFiles) non-video files ignored in \(listing.source)")
        }
        let wanted = listing.videos.map { WantedVideo(path: $0.relativePath, label: $0.label.rawValue, split: $0.split,
                                                      bytes: $0.bytes, mtime: $0.modificationTime, group: $0.group) }
        return (listing.videos, wanted)
    }

    private func faceExtraction(listingSHA256: String?) throws -> FaceExtraction {
        let settings = request.faceStageSettings
        let detector = try MTCNN.load(modelsDirectory: request.modelsDirectory, settings: settings.detector)
        let sampler = VideoFrameSampler(frameCount: request.frames, preprocessing: request.preprocessing,
                                        mode: request.samplingMode)
        let cropping = FaceCropping(sampler: sampler, detector: detector, resolution: settings.resolution,
                                    tracking: settings.tracking, noFace: request.noFace)
        var metadata = faceCacheMetadata
        metadata.listingSHA256 = listingSHA256
        metadata.shard = request.shard
        return FaceExtraction(request: request, faceMetadata: metadata, cropping: cropping)
    }

    var faceCacheMetadata: FaceCacheMetadata {
        request.faceStageSettings.cacheMetadata(dataset: request.dataset, frames: request.frames,
                                                samplingPolicy: Self.samplingPolicy(for: request.samplingMode))
    }

    /// Whole frames or centre crops: decode ahead, embed, journal each video.
    private func embedWholeFrames(_ pending: [DatasetVideo], writer: inout CacheWriteSession,
                                  backbone: any Backbone) async throws -> (frames: Int, failures: Int) {
        var framesEmbedded = 0
        var failures = 0
        guard !pending.isEmpty else { return (0, 0) }
        let sampler = VideoFrameSampler(frameCount: request.frames, preprocessing: request.preprocessing,
                                        mode: request.samplingMode)
        var progress = ProgressLine(label: "extract", total: pending.count, unit: "frames")
        var done = 0
        try await sampler.forEachSampled(pending.map(\.url), ahead: decodeAhead) { index, result in
            let video = pending[index]
            switch result {
            case .success(let sampled):
                let embeddings = sampled.embeddings(with: backbone, batchSize: request.batchSize)
                for warning in sampled.warnings { progress.finish(); printError("extract: \(video.relativePath): \(warning)") }
                try writer.append(CachedVideo(
                    path: video.relativePath, label: video.label.rawValue, split: video.split, bytes: video.bytes,
                    mtime: video.modificationTime, totalFrames: Int32(sampled.totalFrames),
                    frameIndices: sampled.frameIndices, valid: sampled.valid, embeddings: embeddings))
                framesEmbedded += sampled.valid.filter { $0 }.count
            case .failure(let error):
                failures += 1
                progress.finish()
                printError("extract: skipped \(video.relativePath): \(error)")
                try writer.recordFailure(CacheFailure(path: video.relativePath, reason: "\(error)",
                                                      bytes: video.bytes, mtime: video.modificationTime))
            }
            done += 1
            progress.update(done: done, work: framesEmbedded, force: done == pending.count)
        }
        progress.finish()
        return (framesEmbedded, failures)
    }

    /// The published checkpoint, or --weights when every key and shape fits the architecture (noted when unpublished).
    private func loadBackbone() throws -> LoadedBackbone {
        let url = try request.weightsURL()
        let loaded = try request.backbone.load(weightsAt: url, acceptingUnpublished: request.weights != nil)
        if loaded.published == nil {
            printError("extract: note: \(url.path) is not a published \(request.backbone.rawValue) checkpoint "
                       + "(SHA-256 \(loaded.sha256)); its keys and shapes fit, and the cache records its hash")
        }
        return loaded
    }

    private func cacheMetadata(weightsSHA256: String) -> CacheMetadata {
        var metadata = CacheMetadata(backbone: request.backbone.rawValue, weightsSHA256: weightsSHA256,
                      inputSize: request.backbone.inputSize, normalization: request.backbone.normalizationDescription,
                      frames: request.frames, embeddingDimension: request.backbone.embeddingDimension,
                      samplingPolicy: Self.samplingPolicy(for: request.samplingMode), cropPolicy: request.crop.rawValue,
                      toolVersion: ToolVersion.string, dataset: request.dataset)
        if request.crop == .face {
            metadata.faceScale = request.faceScale
            metadata.faceTracksSHA256 = faceCacheMetadata.settingsSHA256
            metadata.noFace = request.noFace.rawValue
            metadata.detectMaxSide = request.detectMaxSide
        }
        metadata.shard = request.shard
        return metadata
    }
}
