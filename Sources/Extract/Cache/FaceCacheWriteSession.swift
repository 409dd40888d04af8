import Foundation

/// Builds or updates one face-track cache with the embedding cache's guarantees (`CacheBuilder`): each
/// finished video is journalled and fsynced, so a run killed at any moment (even `kill -9`) resumes without
/// detecting it again; unchanged videos are reused from the previous cache, videos gone from the dataset
/// dropped, failures kept (and not retried while their file is unchanged); the new file replaces the old
/// one atomically; a second run on the same cache is refused while the first holds the journal.
public struct FaceCacheWriteSession {
    private var builder: CacheBuilder<FaceTrackRecord>

    public var cacheURL: URL { builder.cacheURL }
    public var metadata: FaceCacheMetadata { builder.metadata }

    /// Opens (or starts) the journal beside `cacheURL`, creating the folder if needed. Throws
    /// `CacheMetadataMismatchError` (naming each differing attribute) when the cache or journal there was
    /// built with other settings, `CacheFormatError` when the cache there is damaged, `CacheBusyError`
    /// when another run is building it.
    public init(cacheURL: URL, metadata: FaceCacheMetadata) throws {
        builder = try CacheBuilder(cacheURL: cacheURL, metadata: metadata)
    }

    /// Paths already tracked or failed, in the previous cache or the journal (their files may have changed
    /// since: `needsExtraction` decides).
    public var completedPaths: Set<String> { Set(builder.completed.keys) }

    /// True unless this exact file (same size and mtime) is already tracked or recorded as failed.
    public func needsExtraction(_ video: WantedVideo) -> Bool { builder.needsExtraction(video) }

    /// Durably records one tracked video; returns once it survives a crash. A record that does not fit
    /// this cache (slot count, or a value the reader would refuse) is a `CacheRecordError`.
    public mutating func append(_ record: FaceTrackRecord) throws { try builder.append(record) }

    /// Durably records a video without a track (no face in any sampled frame, undecodable) and why.
    public mutating func recordFailure(_ failure: CacheFailure) throws { try builder.recordFailure(failure) }

    /// Assembles the final cache holding exactly `wanted`, with labels, splits and groups taken from it.
    /// Every wanted video must be done (see `needsExtraction`). The journal is deleted afterwards.
    @discardableResult
    public func finish(keeping wanted: [WantedVideo]) throws -> URL { try builder.finish(keeping: wanted) }

    /// Cheap check: does the cache already hold exactly `videos`, unchanged, with these labels, splits and
    /// groups and compatible metadata, with no interrupted run pending?
    public static func isUpToDate(cacheURL: URL, metadata: FaceCacheMetadata, videos: [WantedVideo]) -> Bool {
        CacheBuilder<FaceTrackRecord>.isUpToDate(cacheURL: cacheURL, metadata: metadata, videos: videos)
    }
}
