import Foundation
import Shared

/// Where a row of the new cache comes from: this run's journal or the previous final cache.
enum CacheRowSource {
    case journal(JournalEntryLocation)
    case previousCache(index: Int)
}

/// Writes a complete cache file from planned rows, one video in memory at a time.
struct CacheAssembler {
    let metadata: CacheMetadata
    let journal: CacheJournal
    let previousCache: EmbeddingCacheReader?

    /// Writes `destination` (replacing it): rows and failures must already be in sorted path order.
    func write(to destination: URL, rows: [(wanted: WantedVideo, source: CacheRowSource)],
               failures: [(wanted: WantedVideo, source: CacheRowSource)]) throws {
        let file = try HDF5File.create(at: destination)
        try writeDatasets(into: file, rows: rows, failures: failures)
        let createdAt = ISO8601DateFormatter().string(from: Date())
        try metadata.write(to: file, createdAt: createdAt)
        try file.flush()
        try file.close()
    }

    private func writeDatasets(into file: HDF5File, rows: [(wanted: WantedVideo, source: CacheRowSource)],
                               failures: [(wanted: WantedVideo, source: CacheRowSource)]) throws {
        typealias Name = CacheSchema.Dataset
        let count = rows.count
        let frames = metadata.frames
        let dimension = metadata.embeddingDimension
        // Unlimited first dimensions so an empty cache can still be chunked one video per chunk.
        let embeddings = try file.createDataset(Name.embeddings, of: Float.self, shape: [count, frames, dimension],
                                                chunk: [1, frames, dimension], unlimitedFirstDimension: true)
        let perFrameChunk = [Self.chunkRows(count: count, rowBytes: 4 * frames), max(1, frames)]
        let frameIndices = try file.createDataset(Name.frameIndices, of: Int32.self, shape: [count, frames],
                                                  chunk: perFrameChunk, unlimitedFirstDimension: true)
        let valid = try file.createDataset(Name.valid, of: UInt8.self, shape: [count, frames],
                                           chunk: perFrameChunk, unlimitedFirstDimension: true)
        var labels: [Int8] = []
        var bytes: [Int64] = []
        var mtimes: [Double] = []
        var totalFrames: [Int32] = []
        for (index, row) in rows.enumerated() {
            let video = try loadVideo(row.source, path: row.wanted.path)
            guard video.frameIndices.count == frames, video.valid.count == frames,
                  video.embeddings.count == frames * dimension else {
                throw CacheRecordError(file: file.url.path,
                                       problem: "\(row.wanted.path) has \(video.frameIndices.count) frames and "
                                           + "\(video.embeddings.count) values, expected \(frames) and \(frames * dimension)")
            }
            try embeddings.writeRows(video.embeddings, startingAt: index, count: 1)
            try frameIndices.writeRows(video.frameIndices, startingAt: index, count: 1)
            try valid.writeRows(video.valid.map { UInt8($0 ? 1 : 0) }, startingAt: index, count: 1)
            labels.append(row.wanted.label)
            bytes.append(row.wanted.bytes)
            mtimes.append(row.wanted.mtime)
            totalFrames.append(video.totalFrames)
        }
        let paths = rows.map(\.wanted.path)
        try makeVector(file, Name.videos, count: count).writeStrings(paths)
        try makeVector(file, Name.labels, Int8.self, count: count).write(labels)
        try makeVector(file, Name.videoBytes, Int64.self, count: count).write(bytes)
        try makeVector(file, Name.videoMtimes, Double.self, count: count).write(mtimes)
        try makeVector(file, Name.totalFrames, Int32.self, count: count).write(totalFrames)
        if rows.contains(where: { $0.wanted.split != nil }) {
            try makeVector(file, Name.splits, count: count).writeStrings(rows.map { $0.wanted.split ?? "" })
        }
        if rows.contains(where: { $0.wanted.group != nil }) {
            try makeVector(file, Name.groups, count: count).writeStrings(rows.map { $0.wanted.group ?? "" })
        }

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
                               chunk: [Self.chunkRows(count: count, rowBytes: MemoryLayout<Element>.size)],
                               unlimitedFirstDimension: true)
    }

    private func makeVector(_ file: HDF5File, _ name: String, count: Int) throws -> HDF5Dataset {
        try file.createStringDataset(name, shape: [count], chunk: [Self.chunkRows(count: count, rowBytes: 16)],
                                     unlimitedFirstDimension: true)
    }

    /// Rows per chunk: about 64 KiB, but no more than there are rows (small caches stay small).
    static func chunkRows(count: Int, rowBytes: Int) -> Int {
        max(1, min(count, 65_536 / max(1, rowBytes)))
    }

    private func loadVideo(_ source: CacheRowSource, path: String) throws -> CachedVideo {
        switch source {
        case .journal(let location):
            guard case .video(let video) = try journal.entry(at: location), video.path == path else {
                throw CacheFormatError(file: journal.url.path, problem: "the record for \(path) is not a video")
            }
            return video
        case .previousCache(let index):
            guard let previousCache else { preconditionFailure("a previous-cache row without a previous cache") }
            guard previousCache.videoPaths.indices.contains(index), previousCache.videoPaths[index] == path else {
                throw CacheFormatError(file: previousCache.url.path, problem: "it changed while being updated")
            }
            return try previousCache.video(at: index)
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
            guard previousCache.failures.indices.contains(index), previousCache.failures[index].path == path else {
                throw CacheFormatError(file: previousCache.url.path, problem: "it changed while being updated")
            }
            return previousCache.failures[index].reason
        }
    }
}
