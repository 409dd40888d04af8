import Foundation

extension VideoFrameSampler {
    /// Calls `body` with each video's sampled frames (or its error) in the order given, while up to `ahead`
    /// later videos decode concurrently: the caller's CNN work overlaps decoding and both cores stay busy.
    /// Memory stays bounded by `ahead` videos' frames, however many videos there are.
    public func forEachSampled(_ urls: [URL], ahead: Int = 2,
                               _ body: (Int, Result<SampledFrames, Error>) throws -> Void) async throws {
        try await forEachVideo(urls, ahead: ahead, work: { index, sampler in try sampler.sample(urls[index]) }, body)
    }

    /// `forEachSampled` for any per-video work (decoding plus, say, face detection): work(index, sampler) runs
    /// ahead on up to `ahead` videos at once, `body` takes the results in order.
    ///
    /// While other videos decode alongside, each decoder gets one thread: frame threads cost about 15% more
    /// CPU per frame, which pays only for the last video, when a core would otherwise idle.
    public func forEachVideo<Output: Sendable>(
        _ urls: [URL], ahead: Int = 2, work: @escaping @Sendable (Int, VideoFrameSampler) throws -> Output,
        _ body: (Int, Result<Output, Error>) throws -> Void) async throws {
        try await withThrowingTaskGroup(of: (Int, Result<Output, Error>).self) { group in
            var launched = 0
            func launchNext() {
                guard launched < urls.count else { return }
                let index = launched
                let sampler = withDecoderThreads(index < urls.count - 1 ? 1 : 0)
                group.addTask { (index, Result { try work(index, sampler) }) }
                launched += 1
            }
            for _ in 0..<max(1, ahead) { launchNext() }
            var ready: [Int: Result<Output, Error>] = [:]
            var next = 0
            while let (index, result) = try await group.next() {
                ready[index] = result
                while let result = ready.removeValue(forKey: next) {
                    launchNext()
                    try body(next, result)
                    next += 1
                }
            }
        }
    }
}
