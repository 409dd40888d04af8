import Foundation
import Shared

/// Builds or updates one cache file so that a run killed at any moment resumes without redoing work.
///
/// While extracting, each finished video (or failure) is appended to `<cache>.h5.journal` and fsynced.
/// `finish` then streams rows from the previous cache (unchanged videos) and from the journal into
/// `<cache>.h5.tmp`, fsyncs it, renames it over `<cache>.h5` and deletes the journal. Readers only
/// ever see a complete old cache or a complete new one.
public struct CacheWriteSession {
    public let cacheURL: URL
    public let metadata: CacheMetadata
    private let journal: CacheJournal
    /// What the previous final cache holds, by path.
    private let previous: [String: PreviousCacheEntry]

    private struct PreviousCacheEntry {
        let stamp: VideoFileStamp
        let source: CacheRowSource
        let isFailure: Bool
    }

    /// Opens (or starts) the journal beside `cacheURL`, creating the folder if needed.
    /// Throws `CacheMetadataMismatchError` when the cache or journal there was built with other settings.
    public init(cacheURL: URL, metadata: CacheMetadata) throws {
        self.cacheURL = cacheURL
        self.metadata = metadata
        let directory = cacheURL.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PipelineError("cannot create the cache folder \(directory.path): \(error.localizedDescription). "
                                + "Check the path and its permissions, or choose another cache folder.")
        }
        var previous: [String: PreviousCacheEntry] = [:]
        if FileManager.default.fileExists(atPath: cacheURL.path) {
            let reader = try EmbeddingCacheReader(url: cacheURL)
            let differences = reader.metadata.differences(from: metadata)
            guard differences.isEmpty else {
                throw CacheMetadataMismatchError(file: cacheURL.path, differences: differences)
            }
            for index in 0..<reader.videoCount {
                let stamp = VideoFileStamp(bytes: reader.videoBytes[index], mtime: reader.videoMtimes[index])
                previous[reader.videoPaths[index]] = PreviousCacheEntry(
                    stamp: stamp, source: .previousCache(index: index), isFailure: false)
            }
            for (index, failure) in reader.failures.enumerated() {
                previous[failure.path] = PreviousCacheEntry(
                    stamp: failure.stamp, source: .previousCache(index: index), isFailure: true)
            }
        }
        self.previous = previous
        journal = try CacheJournal(url: CacheSchema.journalURL(for: cacheURL), metadata: metadata)
    }

    /// Source stamps of every video already done (extracted or failed), in the previous cache or the journal.
    public var completed: [String: VideoFileStamp] {
        var stamps = previous.mapValues(\.stamp)
        for (path, location) in journal.locations {
            stamps[path] = location.stamp
        }
        return stamps
    }

    /// Paths already done in an earlier run. A path here may still need work if its file changed:
    /// use `needsExtraction` or `pendingVideos` to decide.
    public var completedPaths: Set<String> { Set(completed.keys) }

    /// True unless this exact file (same size and mtime) is already extracted or recorded as failed.
    public func needsExtraction(_ video: WantedVideo) -> Bool {
        if let location = journal.locations[video.path], location.stamp == video.stamp { return false }
        if let entry = previous[video.path], entry.stamp == video.stamp { return false }
        return true
    }

    /// The wanted videos that still need decoding, in the order given.
    public func pendingVideos(_ wanted: [WantedVideo]) -> [WantedVideo] {
        wanted.filter(needsExtraction)
    }

    /// Durably records one finished video; returns once it survives a crash.
    public mutating func append(_ video: CachedVideo) throws {
        let frames = metadata.frames
        guard video.frameIndices.count == frames, video.valid.count == frames,
              video.embeddings.count == frames * metadata.embeddingDimension else {
            throw CacheRecordError(file: journal.url.path,
                                   problem: "\(video.path) has \(video.frameIndices.count) frame indices, "
                                       + "\(video.valid.count) valid flags and \(video.embeddings.count) values; "
                                       + "expected \(frames), \(frames) and \(frames * metadata.embeddingDimension)")
        }
        try journal.append(.video(video))
    }

    /// Durably records that a video could not be processed (it is not retried while the file is unchanged).
    public mutating func recordFailure(_ failure: CacheFailure) throws {
        try journal.append(.failure(failure))
    }

    /// Assembles the final cache holding exactly `wanted` (videos gone from the dataset are dropped), with
    /// labels and splits taken from `wanted`. Every wanted video must be done (see `needsExtraction`).
    /// Returns the cache URL; the journal is deleted and the session cannot append afterwards.
    @discardableResult
    public func finish(keeping wanted: [WantedVideo]) throws -> URL {
        let sorted = wanted.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var rows: [(wanted: WantedVideo, source: CacheRowSource)] = []
        var failures: [(wanted: WantedVideo, source: CacheRowSource)] = []
        var missing: [String] = []
        var usesPreviousCache = false
        for (index, video) in sorted.enumerated() {
            if index > 0 && sorted[index - 1].path == video.path {
                throw CacheRecordError(file: cacheURL.path, problem: "\(video.path) is listed twice")
            }
            if let location = journal.locations[video.path], location.stamp == video.stamp {
                if location.isFailure {
                    failures.append((video, .journal(location)))
                } else {
                    rows.append((video, .journal(location)))
                }
            } else if let entry = previous[video.path], entry.stamp == video.stamp {
                usesPreviousCache = true
                if entry.isFailure {
                    failures.append((video, entry.source))
                } else {
                    rows.append((video, entry.source))
                }
            } else {
                missing.append(video.path)
            }
        }
        guard missing.isEmpty else { throw CacheIncompleteError(file: cacheURL.path, missing: missing) }

        let temporary = CacheSchema.temporaryURL(for: cacheURL)
        do {
            let previousCache = usesPreviousCache ? try EmbeddingCacheReader(url: cacheURL) : nil
            let assembler = CacheAssembler(metadata: metadata, journal: journal, previousCache: previousCache)
            try assembler.write(to: temporary, rows: rows, failures: failures)
        }
        try DurableFileOperations.syncFile(at: temporary)
        try DurableFileOperations.replace(cacheURL, with: temporary)
        try journal.closeAndDelete()
        return cacheURL
    }

    /// Cheap check (no embeddings read): does the cache already hold exactly `videos`, unchanged, with
    /// these labels and splits and compatible metadata, with no interrupted run pending?
    public static func isUpToDate(cacheURL: URL, metadata: CacheMetadata, videos: [WantedVideo]) -> Bool {
        guard !FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: cacheURL).path),
              let reader = try? EmbeddingCacheReader(url: cacheURL),
              reader.metadata.differences(from: metadata).isEmpty,
              reader.videoCount + reader.failures.count == videos.count else { return false }
        var rowIndex: [String: Int] = [:]
        for (index, path) in reader.videoPaths.enumerated() { rowIndex[path] = index }
        var failureStamps: [String: VideoFileStamp] = [:]
        for failure in reader.failures { failureStamps[failure.path] = failure.stamp }
        for video in videos {
            if let index = rowIndex.removeValue(forKey: video.path) {
                let split = reader.splits.flatMap { $0[index].isEmpty ? nil : $0[index] }
                let group = reader.groups.flatMap { $0[index].isEmpty ? nil : $0[index] }
                guard reader.videoBytes[index] == video.bytes, reader.videoMtimes[index] == video.mtime,
                      reader.labels[index] == video.label, split == video.split, group == video.group else { return false }
            } else if let stamp = failureStamps.removeValue(forKey: video.path) {
                guard stamp == video.stamp else { return false }
            } else {
                return false
            }
        }
        return true
    }
}
