import Foundation
import Shared

/// Builds or updates one embedding cache so that a run killed at any moment resumes without redoing work
/// (the journal, reuse and atomic replace are `CacheBuilder`'s, shared with the face-track cache).
///
/// While extracting, each finished video (or failure) is appended to `<cache>.h5.journal` and fsynced.
/// `finish` then streams rows from the previous cache (unchanged videos) and from the journal into
/// `<cache>.h5.tmp`, fsyncs it, renames it over `<cache>.h5` and deletes the journal. Readers only
/// ever see a complete old cache or a complete new one.
public struct CacheWriteSession {
    private var builder: CacheBuilder<CachedVideo>

    public var cacheURL: URL { builder.cacheURL }
    public var metadata: CacheMetadata { builder.metadata }

    /// Opens (or starts) the journal beside `cacheURL`, creating the folder if needed.
    /// Throws `CacheMetadataMismatchError` when the cache or journal there was built with other settings.
    public init(cacheURL: URL, metadata: CacheMetadata) throws {
        builder = try CacheBuilder(cacheURL: cacheURL, metadata: metadata)
    }

    /// Source stamps of every video already done (extracted or failed), in the previous cache or the journal.
    public var completed: [String: VideoFileStamp] { builder.completed }

    /// Paths already done in an earlier run. A path here may still need work if its file changed:
    /// use `needsExtraction` or `pendingVideos` to decide.
    public var completedPaths: Set<String> { Set(completed.keys) }

    /// True unless this exact file (same size and mtime) is already extracted or recorded as failed.
    public func needsExtraction(_ video: WantedVideo) -> Bool { builder.needsExtraction(video) }

    /// The wanted videos that still need decoding, in the order given.
    public func pendingVideos(_ wanted: [WantedVideo]) -> [WantedVideo] { wanted.filter(needsExtraction) }

    /// Durably records one finished video; returns once it survives a crash.
    public mutating func append(_ video: CachedVideo) throws { try builder.append(video) }

    /// Durably records that a video could not be processed (it is not retried while the file is unchanged).
    public mutating func recordFailure(_ failure: CacheFailure) throws { try builder.recordFailure(failure) }

    /// Assembles the final cache holding exactly `wanted` (videos gone from the dataset are dropped), with
    /// labels and splits taken from `wanted`. Every wanted video must be done (see `needsExtraction`).
    /// Returns the cache URL; the journal is deleted and the session cannot append afterwards.
    @discardableResult
    public func finish(keeping wanted: [WantedVideo]) throws -> URL { try builder.finish(keeping: wanted) }

    /// Cheap check (no embeddings read): does the cache already hold exactly `videos`, unchanged, with
    /// these labels and splits and compatible metadata, with no interrupted run pending?
    ///
    /// Judged by content, not by modification times: a cache that records the same `listing_sha256` (paths
    /// and sizes) as `metadata` and holds these videos with these sizes, labels, splits and groups is up to
    /// date even where the files' times differ (a merged cache, a dataset copied to another machine).
    public static func isUpToDate(cacheURL: URL, metadata: CacheMetadata, videos: [WantedVideo]) -> Bool {
        if CacheBuilder<CachedVideo>.isUpToDate(cacheURL: cacheURL, metadata: metadata, videos: videos) { return true }
        guard let digest = metadata.listingSHA256,
              !FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: cacheURL).path),
              let reader = try? EmbeddingCacheReader(url: cacheURL), reader.metadata.listingSHA256 == digest,
              reader.metadata.differences(from: metadata).isEmpty else { return false }
        return reader.table.holdsExactly(videos, comparingModificationTimes: false)
    }
}
