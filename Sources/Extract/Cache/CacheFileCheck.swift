import Foundation
import Shared

/// Every rule a cache file must meet before its contents are trusted, in one place (docs/cache-format.md,
/// "What readers check"). Extents, ranks and element types are checked against the attributes and against
/// the bytes really stored before anything is allocated; per-video values are checked once read.
enum CacheFileCheck {
    /// Embedding lengths a cache may declare (the backbones give 1280); larger ones are damage, not data.
    static let embeddingDimensionRange = 1...16_384
    /// Largest embedding magnitude accepted: pooled CNN features are O(1)..O(100), so beyond this is damage.
    static let embeddingMagnitudeLimit: Float = 1e6
    static let splitNames: Set<String> = ["", "train", "val", "test"]

    static func checkMetadata(_ metadata: CacheMetadata, file: String) throws {
        typealias Name = CacheSchema.Attribute
        let ranges = [(Name.frames, metadata.frames, ExtractionRequest.frameRange),
                      (Name.embeddingDimension, metadata.embeddingDimension, embeddingDimensionRange),
                      (Name.inputSize, metadata.inputSize, 1...8192)]
        for (name, value, range) in ranges where !range.contains(value) {
            throw CacheFormatError(file: file, problem: "attribute \(name) is \(value), outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    /// Checks the embedding cache's datasets: the shared ones and /embeddings [N, F, D].
    static func checkLayout(_ file: HDF5File, metadata: CacheMetadata) throws {
        let embeddings = CacheLayoutEntry(name: CacheSchema.Dataset.embeddings, kind: .float, rows: .videos,
                                          trailing: [metadata.frames, metadata.embeddingDimension])
        try checkLayout(file, frames: metadata.frames, rowEntries: [embeddings])
    }

    /// Checks every dataset's rank, element type, extent and storage: the columns every cache kind has
    /// (`/videos`, `/labels`, `/frame_indices`, `/valid`, stamps, splits, groups, failures) and `rowEntries`.
    static func checkLayout(_ file: HDF5File, frames: Int, rowEntries: [CacheLayoutEntry]) throws {
        typealias Name = CacheSchema.Dataset
        let path = file.url.path
        let videos = try rows(of: try file.dataset(Name.videos), name: Name.videos, file: path)
        let failures = try rows(of: try file.dataset(Name.failureVideos), name: Name.failureVideos, file: path)
        let shared = [
            CacheLayoutEntry(name: Name.videos, kind: .variableLengthString, rows: .videos, trailing: []),
            CacheLayoutEntry(name: Name.labels, kind: .integer, rows: .videos, trailing: []),
            CacheLayoutEntry(name: Name.frameIndices, kind: .integer, rows: .videos, trailing: [frames]),
            CacheLayoutEntry(name: Name.valid, kind: .integer, rows: .videos, trailing: [frames]),
            CacheLayoutEntry(name: Name.videoBytes, kind: .integer, rows: .videos, trailing: []),
            CacheLayoutEntry(name: Name.videoMtimes, kind: .float, rows: .videos, trailing: []),
            CacheLayoutEntry(name: Name.totalFrames, kind: .integer, rows: .videos, trailing: []),
            CacheLayoutEntry(name: Name.splits, kind: .variableLengthString, rows: .videos, trailing: [], optional: true),
            CacheLayoutEntry(name: Name.groups, kind: .variableLengthString, rows: .videos, trailing: [], optional: true),
            CacheLayoutEntry(name: Name.failureVideos, kind: .variableLengthString, rows: .failures, trailing: []),
            CacheLayoutEntry(name: Name.failureReasons, kind: .variableLengthString, rows: .failures, trailing: []),
            CacheLayoutEntry(name: Name.failureBytes, kind: .integer, rows: .failures, trailing: []),
            CacheLayoutEntry(name: Name.failureMtimes, kind: .float, rows: .failures, trailing: []),
        ]
        for entry in shared + rowEntries {
            if entry.optional, !(try file.contains(entry.name)) { continue }
            let wanted = [entry.rows == .videos ? videos : failures] + entry.trailing
            try check(try file.dataset(entry.name), entry: entry, wanted: wanted, file: path)
        }
    }

    private static func rows(of dataset: HDF5Dataset, name: String, file: String) throws -> Int {
        let shape = try dataset.shape()
        guard shape.count == 1 else { throw rankError(name: name, shape: shape, wanted: "[N]", file: file) }
        return shape[0]
    }

    private static func check(_ dataset: HDF5Dataset, entry: CacheLayoutEntry, wanted: [Int], file: String) throws {
        let shape = try dataset.shape()
        let symbolic = "[" + (["N"] + entry.trailing.map(String.init)).joined(separator: ", ") + "]"
        guard shape.count == wanted.count else {
            throw rankError(name: entry.name, shape: shape, wanted: symbolic, file: file)
        }
        guard shape == wanted else {
            throw CacheFormatError(file: file, problem: "/\(entry.name) has shape \(shape), expected \(wanted)")
        }
        let type = try dataset.elementType()
        guard type.kind == entry.kind else {
            throw CacheFormatError(file: file, problem: "/\(entry.name) holds \(type) elements, expected \(describe(entry.kind))")
        }
        if try dataset.isVirtual() {
            // A merged cache's per-frame datasets: MergedCacheCheck checks their sources instead.
            guard ShardMerge.virtualDatasets.contains(entry.name) else {
                throw CacheFormatError(file: file, problem: "/\(entry.name) is a virtual dataset; only /\(ShardMerge.virtualDatasets.joined(separator: ", /")) may be")
            }
            return
        }
        guard try dataset.isFullyStored() else {
            throw CacheFormatError(file: file, problem: "/\(entry.name) claims shape \(shape) but the file does not store "
                                   + "that many values (a sparse or truncated dataset)")
        }
    }

    private static func rankError(name: String, shape: [Int], wanted: String, file: String) -> CacheFormatError {
        let found = shape.isEmpty ? "is a scalar (rank 0)" : "has rank \(shape.count) (shape \(shape))"
        return CacheFormatError(file: file, problem: "/\(name) \(found), expected shape \(wanted)")
    }

    private static func describe(_ kind: HDF5ElementType.Kind) -> String {
        switch kind {
        case .integer: "integers"
        case .float: "floating point"
        case .variableLengthString: "variable-length strings"
        case .other: "another type"
        }
    }
}

/// One dataset of a cache layout: element kind, first extent (from /videos or /failures/videos) and the
/// extents after it.
struct CacheLayoutEntry {
    enum Rows { case videos, failures }
    let name: String
    let kind: HDF5ElementType.Kind
    let rows: Rows
    let trailing: [Int]
    var optional = false
}
