import Foundation
import Shared

/// Where a row of the new cache comes from: this run's journal, or a finished cache (the previous final
/// cache, or a shard being merged) by its place in the assembler's list and the row's index there.
enum CacheRowSource {
    case journal(JournalEntryLocation)
    case cache(file: Int, index: Int)
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
    let journal: RowJournal<Row>?
    let caches: [Row.Reader]
    /// When set, makes the row kind's datasets in the new file as a whole (virtual datasets over the
    /// `caches`, given the row count) instead of writing them row by row.
    var makeRowDatasets: ((HDF5File, Int) throws -> Void)?

    init(metadata: Row.Settings, journal: RowJournal<Row>?, caches: [Row.Reader],
         makeRowDatasets: ((HDF5File, Int) throws -> Void)? = nil) {
        self.metadata = metadata
        self.journal = journal
        self.caches = caches
        self.makeRowDatasets = makeRowDatasets
    }

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
        var totalFrames: [Int32] = []
        if let makeRowDatasets {
            try makeRowDatasets(file, count)
            totalFrames = try rows.map { row in
                let (reader, index) = try cacheRow(row.source, path: row.wanted.path)
                return reader.table.totalFrames[index]
            }
        } else {
            let datasets = try Row.Datasets(creatingIn: file, settings: metadata, count: count)
            for (index, row) in rows.enumerated() {
                let video = try loadVideo(row.source, path: row.wanted.path)
                if let problem = video.shapeProblem(for: metadata) {
                    throw CacheRecordError(file: file.url.path, problem: problem)
                }
                try datasets.write(video, at: index)
                totalFrames.append(video.totalFrames)
            }
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
            guard let journal, case .video(let video) = try journal.entry(at: location), video.path == path else {
                throw CacheFormatError(file: journal?.url.path ?? "the journal", problem: "the record for \(path) is not a video")
            }
            return video
        case .cache:
            let (reader, index) = try cacheRow(source, path: path)
            return try reader.row(at: index)
        }
    }

    /// The finished cache and row index `source` names, checked to still hold `path` there.
    private func cacheRow(_ source: CacheRowSource, path: String) throws -> (reader: Row.Reader, index: Int) {
        guard case .cache(let file, let index) = source, caches.indices.contains(file) else {
            preconditionFailure("a cache row without its cache")
        }
        let reader = caches[file]
        guard reader.table.paths.indices.contains(index), reader.table.paths[index] == path else {
            throw CacheFormatError(file: reader.url.path, problem: "it changed while being read")
        }
        return (reader, index)
    }

    private func loadFailureReason(_ source: CacheRowSource, path: String) throws -> String {
        switch source {
        case .journal(let location):
            guard let journal, case .failure(let failure) = try journal.entry(at: location), failure.path == path else {
                throw CacheFormatError(file: journal?.url.path ?? "the journal", problem: "the record for \(path) is not a failure")
            }
            return failure.reason
        case .cache(let file, let index):
            guard caches.indices.contains(file) else { preconditionFailure("a cache failure without its cache") }
            let failures = caches[file].table.failures
            guard failures.indices.contains(index), failures[index].path == path else {
                throw CacheFormatError(file: caches[file].url.path, problem: "it changed while being read")
            }
            return failures[index].reason
        }
    }
}
