import Foundation
import Shared

/// The embedding cache as one kind of cache row: its settings, journal record and datasets
/// (docs/cache-format.md). The build machinery itself is shared with the face-track cache.
extension CacheMetadata: CacheSettings {
    static var cacheName: String { "embedding cache" }
}

extension CachedVideo: CacheRow {
    typealias Settings = CacheMetadata
    typealias Reader = EmbeddingCacheReader
    typealias Datasets = EmbeddingDatasets

    static var journalKind: UInt8 { JournalRecordKind.embeddingVideo }

    func shapeProblem(for settings: CacheMetadata) -> String? {
        let frames = settings.frames, values = frames * settings.embeddingDimension
        guard frameIndices.count != frames || valid.count != frames || embeddings.count != values else { return nil }
        return "\(path) has \(frameIndices.count) frame indices, \(valid.count) valid flags and \(embeddings.count) values; "
            + "expected \(frames), \(frames) and \(values)"
    }

    /// header (`JournalRowHeader`) | u32 F | u32 F*D | F x i32 frame_indices | F x u8 valid | F*D x f32 embeddings
    func encodeJournalFields(into writer: inout JournalByteWriter) {
        writer.append(JournalRowHeader(path: path, label: label, split: split, bytes: bytes, mtime: mtime,
                                       totalFrames: totalFrames))
        writer.append(UInt32(frameIndices.count))
        writer.append(UInt32(embeddings.count))
        writer.appendSlots(frameIndices: frameIndices, valid: valid)
        writer.append(embeddings)
    }

    static func decodeJournalFields(from reader: inout JournalByteReader) -> CachedVideo? {
        guard let header = reader.readRowHeader(), let frames = reader.read(UInt32.self).map(Int.init),
              let embeddingCount = reader.read(UInt32.self).map(Int.init),
              let slots = reader.readSlots(count: frames),
              let embeddings = reader.readFloats(count: embeddingCount) else { return nil }
        return CachedVideo(path: header.path, label: header.label, split: header.split, bytes: header.bytes,
                           mtime: header.mtime, totalFrames: header.totalFrames, frameIndices: slots.frameIndices,
                           valid: slots.valid, embeddings: embeddings)
    }
}

/// /embeddings [N, F, D] (one video per chunk), /frame_indices and /valid [N, F] of a cache being assembled.
struct EmbeddingDatasets: CacheRowDatasets {
    private let embeddings: HDF5Dataset
    private let slots: CacheSlotDatasets

    init(creatingIn file: HDF5File, settings: CacheMetadata, count: Int) throws {
        let frames = settings.frames, dimension = settings.embeddingDimension
        // Unlimited first dimensions so an empty cache can still be chunked one video per chunk.
        embeddings = try file.createDataset(CacheSchema.Dataset.embeddings, of: Float.self,
                                            shape: [count, frames, dimension], chunk: [1, frames, dimension],
                                            unlimitedFirstDimension: true)
        slots = try CacheSlotDatasets(creatingIn: file, frames: frames, count: count)
    }

    func write(_ video: CachedVideo, at index: Int) throws {
        try embeddings.writeRows(video.embeddings, startingAt: index, count: 1)
        try slots.write(frameIndices: video.frameIndices, valid: video.valid, at: index)
    }
}

extension EmbeddingCacheReader: CacheRowReader {
    typealias Row = CachedVideo

    func row(at index: Int) throws -> CachedVideo { try video(at: index) }
}
