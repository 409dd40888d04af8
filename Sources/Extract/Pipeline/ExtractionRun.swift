import Foundation
import Shared

/// Stage 1 end to end: dataset listing -> frame sampling -> backbone -> crash-safe cache.
///
/// Decoding runs ahead of the CNN on other tasks (`decodeAhead` videos), so one core decodes while the
/// other computes; finished videos are journaled one by one, so a killed run resumes where it stopped.
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

    /// How many videos may be decoded and waiting while the CNN works: bounds memory.
    public var decodeAhead = 2

    public init(request: ExtractionRequest) {
        self.request = request
    }

    public func run() async throws -> ExtractionSummary {
        let started = Date()
        guard ExtractionRequest.frameRange.contains(request.frames) else {
            throw PipelineError("FRAMES=\(request.frames) is out of range: choose \(ExtractionRequest.frameRange.lowerBound)...\(ExtractionRequest.frameRange.upperBound) (the notebook used 16 to 256)")
        }
        guard request.batchSize > 0 else {
            throw PipelineError("batch size \(request.batchSize) must be at least 1")
        }
        let listing = try DatasetLayout(name: request.dataset, dataDirectory: request.dataDirectory).list(options: request.layout)
        for warning in listing.warnings { printError("extract: warning: \(warning)") }
        let videos = listing.videos
        let weightsSHA = try request.backbone.verifyWeights(at: request.weightsURL)
        let metadata = cacheMetadata(weightsSHA256: weightsSHA)
        let cacheURL = request.cacheURL
        let wanted = videos.map { WantedVideo(path: $0.relativePath, label: $0.label.rawValue, split: $0.split,
                                              bytes: $0.bytes, mtime: $0.modificationTime, group: $0.group) }

        if CacheWriteSession.isUpToDate(cacheURL: cacheURL, metadata: metadata, videos: wanted) {
            return ExtractionSummary(cacheURL: cacheURL, videosInDataset: videos.count, videosExtracted: 0,
                                     videosReused: videos.count, framesEmbedded: 0, failures: 0,
                                     seconds: Date().timeIntervalSince(started), upToDate: true)
        }

        var writer = try CacheWriteSession(cacheURL: cacheURL, metadata: metadata)
        let pending = zip(videos, wanted).filter { writer.needsExtraction($0.1) }.map(\.0)
        let reusable = videos.count - pending.count
        printError("extract: \(request.dataset): \(videos.count) videos from \(listing.source)"
                   + (listing.ignoredFiles > 0 ? " (\(listing.ignoredFiles) non-video files ignored)" : "")
                   + ", \(reusable) already cached, \(pending.count) to extract with \(request.backbone.rawValue) at \(request.frames) frames"
                   + " (OpenBLAS \(OpenBLASKernels.coreName) kernels)")

        var framesEmbedded = 0
        var failures = 0
        if !pending.isEmpty {
            let backbone = try request.backbone.load(weightsAt: request.weightsURL)
            let sampler = VideoFrameSampler(frameCount: request.frames, outputSize: request.backbone.inputSize,
                                            crop: request.crop, mode: request.samplingMode)
            var progress = ProgressLine(label: "extract", total: pending.count, unit: "frames")
            var done = 0
            try await forEachDecoded(pending, sampler: sampler) { video, result in
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
        }
        let finalURL = try writer.finish(keeping: wanted)
        return ExtractionSummary(cacheURL: finalURL, videosInDataset: videos.count, videosExtracted: pending.count - failures,
                                 videosReused: reusable, framesEmbedded: framesEmbedded, failures: failures,
                                 seconds: Date().timeIntervalSince(started), upToDate: false)
    }

    /// Runs `body` on each video's sampled frames in dataset order while later videos decode concurrently.
    private func forEachDecoded(_ videos: [DatasetVideo], sampler: VideoFrameSampler,
                                body: (DatasetVideo, Result<SampledFrames, Error>) throws -> Void) async throws {
        try await withThrowingTaskGroup(of: (Int, Result<SampledFrames, Error>).self) { group in
            var launched = 0
            func launchNext() {
                guard launched < videos.count else { return }
                let index = launched
                let url = videos[index].url
                // While other videos decode alongside, one thread per decoder: frame threads cost about 15% more
                // CPU per frame, which pays only for the last video, when a core would otherwise idle.
                let threads = index < videos.count - 1 ? 1 : 0
                let sampler = sampler.withDecoderThreads(threads)
                group.addTask { (index, Result { try sampler.sample(url) }) }
                launched += 1
            }
            for _ in 0..<max(1, decodeAhead) { launchNext() }
            var ready: [Int: Result<SampledFrames, Error>] = [:]
            var next = 0
            while let (index, result) = try await group.next() {
                ready[index] = result
                while let result = ready.removeValue(forKey: next) {
                    launchNext()
                    try body(videos[next], result)
                    next += 1
                }
            }
        }
    }

    private func cacheMetadata(weightsSHA256: String) -> CacheMetadata {
        CacheMetadata(backbone: request.backbone.rawValue, weightsSHA256: weightsSHA256,
                      inputSize: request.backbone.inputSize, normalization: request.backbone.normalizationDescription,
                      frames: request.frames, embeddingDimension: request.backbone.embeddingDimension,
                      samplingPolicy: Self.samplingPolicy(for: request.samplingMode), cropPolicy: request.crop.rawValue,
                      toolVersion: ToolVersion.string, dataset: request.dataset)
    }
}
