import Foundation
import Shared

/// Builds or updates one cache file of any row kind so that a run killed at any moment resumes without
/// redoing work. `CacheWriteSession` (embeddings) and `FaceCacheWriteSession` (face tracks) are its faces.
///
/// While extracting, each finished video (or failure) is appended to `<cache>.h5.journal` and fsynced.
/// `finish` then streams rows from the previous cache (unchanged videos) and from the journal into
/// `<cache>.h5.tmp`, fsyncs it, renames it over `<cache>.h5` and deletes the journal. Readers only
/// ever see a complete old cache or a complete new one.
struct CacheBuilder<Row: CacheRow> {
    let cacheURL: URL
    let metadata: Row.Settings
    private let journal: RowJournal<Row>
    /// What the previous final cache holds, by path.
    private let previous: [String: PreviousCacheEntry]

    private struct PreviousCacheEntry {
        let stamp: VideoFileStamp
        let source: CacheRowSource
        let isFailure: Bool
    }

    /// Opens (or starts) the journal beside `cacheURL`, creating the folder if needed.
    /// Throws `CacheMetadataMismatchError` when the cache or journal there was built with other settings.
    init(cacheURL: URL, metadata: Row.Settings) throws {
        self.cacheURL = cacheURL
        self.metadata = metadata
        let directory = cacheURL.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PipelineError("cannot create the cache folder \(directory.path): \(error.localizedDescription). "
                                + "Check the path and its permissions, or choose another cache folder.")
        }
        (previous, journal) = try CacheFormatError.naming(Row.Settings.cacheName) {
            (try Self.readPrevious(cacheURL: cacheURL, metadata: metadata),
             try RowJournal<Row>(url: CacheSchema.journalURL(for: cacheURL), metadata: metadata))
        }
    }

    private static func readPrevious(cacheURL: URL, metadata: Row.Settings) throws -> [String: PreviousCacheEntry] {
        guard FileManager.default.fileExists(atPath: cacheURL.path) else { return [:] }
        let reader = try Row.Reader(url: cacheURL)
        let differences = reader.metadata.differences(from: metadata)
        guard differences.isEmpty else {
            throw CacheMetadataMismatchError(file: cacheURL.path, differences: differences)
        }
        var previous: [String: PreviousCacheEntry] = [:]
        for index in 0..<reader.table.count {
            previous[reader.table.paths[index]] = PreviousCacheEntry(
                stamp: reader.table.stamp(at: index), source: .cache(file: 0, index: index), isFailure: false)
        }
        for (index, failure) in reader.table.failures.enumerated() {
            previous[failure.path] = PreviousCacheEntry(
                stamp: failure.stamp, source: .cache(file: 0, index: index), isFailure: true)
        }
        return previous
    }

    /// Source stamps of every video already done (extracted or failed), in the previous cache or the journal.
    var completed: [String: VideoFileStamp] {
        var stamps = previous.mapValues(\.stamp)
        for (path, location) in journal.locations {
            stamps[path] = location.stamp
        }
        return stamps
    }

    /// True unless this exact file (same size and mtime) is already extracted or recorded as failed.
    func needsExtraction(_ video: WantedVideo) -> Bool {
        if let location = journal.locations[video.path], location.stamp == video.stamp { return false }
        if let entry = previous[video.path], entry.stamp == video.stamp { return false }
        return true
    }

    /// Durably records one finished video; returns once it survives a crash.
    mutating func append(_ row: Row) throws {
        if let problem = row.shapeProblem(for: metadata) {
            throw CacheRecordError(file: journal.url.path, problem: problem)
        }
        try journal.append(.video(row))
    }

    /// Durably records that a video could not be processed (it is not retried while the file is unchanged).
    mutating func recordFailure(_ failure: CacheFailure) throws {
        try journal.append(.failure(failure))
    }

    /// Assembles the final cache holding exactly `wanted` (videos gone from the dataset are dropped), with
    /// labels, splits and groups taken from `wanted`. Every wanted video must be done (see `needsExtraction`).
    /// Returns the cache URL; the journal is deleted and the builder cannot append afterwards.
    func finish(keeping wanted: [WantedVideo]) throws -> URL {
        let (rows, failures, usesPreviousCache) = try plan(wanted)
        let temporary = CacheSchema.temporaryURL(for: cacheURL)
        try CacheFormatError.naming(Row.Settings.cacheName) {
            let caches = usesPreviousCache ? [try Row.Reader(url: cacheURL)] : []
            let assembler = CacheAssembler<Row>(metadata: metadata, journal: journal, caches: caches)
            try assembler.write(to: temporary, rows: rows, failures: failures)
        }
        try DurableFileOperations.syncFile(at: temporary)
        try DurableFileOperations.replace(cacheURL, with: temporary)
        try journal.closeAndDelete()
        return cacheURL
    }

    /// Where each wanted video's row or failure comes from, in sorted path order.
    private func plan(_ wanted: [WantedVideo]) throws -> (rows: [PlannedCacheRow], failures: [PlannedCacheRow],
                                                           usesPreviousCache: Bool) {
        let sorted = wanted.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var rows: [PlannedCacheRow] = []
        var failures: [PlannedCacheRow] = []
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
        return (rows, failures, usesPreviousCache)
    }

    /// Cheap check (no per-slot data read): does the cache already hold exactly `videos`, unchanged, with
    /// these labels, splits and groups and compatible metadata, with no interrupted run pending?
    static func isUpToDate(cacheURL: URL, metadata: Row.Settings, videos: [WantedVideo]) -> Bool {
        guard !FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: cacheURL).path),
              let reader = try? Row.Reader(url: cacheURL),
              reader.metadata.differences(from: metadata).isEmpty else { return false }
        return reader.table.holdsExactly(videos)
    }
}
