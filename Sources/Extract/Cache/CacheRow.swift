import Foundation
import Shared

/// The settings a cache was built with, as the shared build machinery (journal, builder, assembler) needs
/// them. `CacheMetadata` (embeddings) and `FaceCacheMetadata` (face tracks) are the two kinds.
protocol CacheSettings: Codable, Equatable, Sendable {
    /// What errors call a file of this kind ("embedding cache", "face-track cache").
    static var cacheName: String { get }
    /// Slots per video (F): the second extent of every per-slot dataset.
    var frames: Int { get }
    /// "name: cache has X, requested Y" for every field that makes two caches incomparable.
    func differences(from requested: Self) -> [String]
    /// Writes the root attributes (format version and creation time included).
    func write(to file: HDF5File, createdAt: String) throws
}

/// One kind of cache row (a video's embeddings, a video's face track): how it is journalled, checked
/// against the cache's settings, read back from a finished cache and written into a new one.
///
/// The build machinery is written once against this protocol, so both caches get the same crash safety,
/// reuse of unchanged videos and failure bookkeeping.
protocol CacheRow: Equatable, Sendable {
    associatedtype Settings: CacheSettings
    associatedtype Reader: CacheRowReader where Reader.Row == Self
    associatedtype Datasets: CacheRowDatasets where Datasets.Row == Self

    /// The journal record kind of this row (header and failure kinds are shared: `JournalRecordKind`).
    static var journalKind: UInt8 { get }
    /// Path relative to the dataset root, with "/" separators.
    var path: String { get }
    var stamp: VideoFileStamp { get }
    /// Frames the decoder found in the whole video.
    var totalFrames: Int32 { get }
    /// What makes this row unfit for a cache with `settings` (wrong slot count, ...), or nil.
    func shapeProblem(for settings: Settings) -> String?
    /// Writes every field after the kind byte.
    func encodeJournalFields(into writer: inout JournalByteWriter)
    /// Reads what `encodeJournalFields` wrote; nil when the bytes are not a complete row.
    static func decodeJournalFields(from reader: inout JournalByteReader) -> Self?
}

/// A finished cache of one row kind, opened and checked.
protocol CacheRowReader {
    associatedtype Row: CacheRow
    init(url: URL) throws
    var url: URL { get }
    var metadata: Row.Settings { get }
    /// The columns every cache kind keeps (paths, labels, splits, groups, stamps, failures).
    var table: CacheVideoTable { get }
    func row(at index: Int) throws -> Row
}

/// The row-kind datasets of a cache being assembled, filled one video at a time.
protocol CacheRowDatasets {
    associatedtype Row: CacheRow
    /// Creates the datasets for `count` videos in `file`.
    init(creatingIn file: HDF5File, settings: Row.Settings, count: Int) throws
    func write(_ row: Row, at index: Int) throws
}
