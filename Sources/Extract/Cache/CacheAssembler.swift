import Foundation
import Shared

/// Where a row of the new cache comes from: this run's journal or the previous final cache.
enum CacheRowSource {
    case journal(JournalEntryLocation)
    case previousCache(index: Int)
}

/// A wanted video with where its row (or failure) comes from.
typealias PlannedCacheRow = (wanted: WantedVideo, source: CacheRowSource)

/// Chunk sizes of the per-video datasets.
enum CacheChunks {
    /// Rows per chunk: about 64 KiB, but no more than there are rows (small caches stay small).
    static func rows(count: Int, rowBytes: Int) -> Int {
        max(1, min(count, 65_536 / max(1, rowBytes)))
    }
}

/// Writes a complete cache file of one row kind from planned rows, one video in memory at a time.
/// The row kind writes its own datasets (`CacheRow.Datasets`); the columns every kind shares (paths,
/// labels, splits, groups, stamps, total frames, failures) are written here.
struct CacheAssembler<Row: CacheRow> {
    let metadata: Row.Settings
    let journal: RowJournal<Row>
    let previousCache: Row.Reader?

    /// Writes `destination` (replacing it): rows and failures must already be in sorted path order.
    func write(to destination: URL, rows: [PlannedCacheRow], failures: [PlannedCacheRow]) throws {
        let file = try HDF5File.create(at: destination)
        try writeRows(into: file, rows: rows)
        try writeFailures(into: file, failures: failures)
        let createdAt = ISO8601DateFormatter().string(from: Date())
        try metadata.write(to: file, createdAt: createdAt)
        try file.flush()
        try file.close()
    }

    private func writeRows(into file: HDF5File, rows: [PlannedCacheRow]) throws {
        typealias Name = CacheSchema.Dataset
        let count = rows.count
        let datasets = try Row.Datasets(creatingIn: file, settings: metadata, count: count)
        var totalFrames: [Int32] = []
        for (index, row) in rows.enumerated() {
            let video = try loadVideo(row.source, path: row.wanted.path)
            if let problem = video.shapeProblem(for: metadata) {
                throw CacheRecordError(file: file.url.path, problem: problem)
            }
            try datasets.write(video, at: index)
            totalFrames.append(video.totalFrames)
        }
        try makeVector(file, Name.videos, count: count).writeStrings(rows.map(\.wanted.path))
        try makeVector(file, Name.labels, Int8.self, count: count).write(rows.map(\.wanted.label))
        try makeVector(file, Name.videoBytes, Int64.self, count: count).write(rows.map(\.wanted.bytes))
        try makeVector(file, Name.videoMtimes, Double.self, count: count).write(rows.map(\.wanted.mtime))
        try makeVector(file, Name.totalFrames, Int32.self, count: count).write(totalFrames)
        if rows.contains(where: { $0.wanted.split != nil }) {
            try makeVector(file, Name.splits, count: count).writeStrings(rows.map { $0.wanted.split ?? "" })
        }
        if rows.contains(where: { $0.wanted.group != nil }) {
            try makeVector(file, Name.groups, count: count).writeStrings(rows.map { $0.wanted.group ?? "" })
        }
    }

    private func writeFailures(into file: HDF5File, failures: [PlannedCacheRow]) throws {
        typealias Name = CacheSchema.Dataset
        _ = try file.createGroup(Name.failures)
        var reasons: [String] = []
        for failure in failures {
            reasons.append(try loadFailureReason(failure.source, path: failure.wanted.path))
        }
        try makeVector(file, Name.failureVideos, count: failures.count).writeStrings(failures.map(\.wanted.path))
        try makeVector(file, Name.failureReasons, count: failures.count).writeStrings(reasons)
        try makeVector(file, Name.failureBytes, Int64.self, count: failures.count).write(failures.map(\.wanted.bytes))
        try makeVector(file, Name.failureMtimes, Double.self, count: failures.count).write(failures.map(\.wanted.mtime))
    }

    private func makeVector<Element: HDF5Scalar>(_ file: HDF5File, _ name: String, _ type: Element.Type,
                                                 count: Int) throws -> HDF5Dataset {
        try file.createDataset(name, of: type, shape: [count],
                               chunk: [CacheChunks.rows(count: count, rowBytes: MemoryLayout<Element>.size)],
                               unlimitedFirstDimension: true)
    }

    private func makeVector(_ file: HDF5File, _ name: String, count: Int) throws -> HDF5Dataset {
        try file.createStringDataset(name, shape: [count], chunk: [CacheChunks.rows(count: count, rowBytes: 16)],
                                     unlimitedFirstDimension: true)
    }

    private func loadVideo(_ source: CacheRowSource, path: String) throws -> Row {
        switch source {
        case .journal(let location):
            guard case .video(let video) = try journal.entry(at: location), video.path == path else {
                throw CacheFormatError(file: journal.url.path, problem: "the record for \(path) is not a video")
            }
            return video
        case .previousCache(let index):
            guard let previousCache else { preconditionFailure("a previous-cache row without a previous cache") }
            guard previousCache.table.paths.indices.contains(index), previousCache.table.paths[index] == path else {
                throw CacheFormatError(file: previousCache.url.path, problem: "it changed while being updated")
            }
            return try previousCache.row(at: index)
        }
    }

    private func loadFailureReason(_ source: CacheRowSource, path: String) throws -> String {
        switch source {
        case .journal(let location):
            guard case .failure(let failure) = try journal.entry(at: location), failure.path == path else {
                throw CacheFormatError(file: journal.url.path, problem: "the record for \(path) is not a failure")
            }
            return failure.reason
        case .previousCache(let index):
            guard let previousCache else { preconditionFailure("a previous-cache failure without a previous cache") }
            let failures = previousCache.table.failures
            guard failures.indices.contains(index), failures[index].path == path else {
                throw CacheFormatError(file: previousCache.url.path, problem: "it changed while being updated")
            }
            return failures[index].reason
        }
    }
}
