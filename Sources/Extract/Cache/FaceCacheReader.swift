import Foundation
import Shared

/// Reads a finished face-track cache. The whole file is small (about 70 bytes per slot), so every row is
/// read and checked when it opens: an extent, type or value no writer produces is one `CacheFormatError`
/// naming the file, the dataset and the problem, before anything the file merely claims is allocated.
public struct FaceCacheReader {
    public let url: URL
    public let metadata: FaceCacheMetadata
    /// ISO 8601 time the cache was assembled.
    public let createdAt: String
    /// SHA-256 of the file's bytes, for the embedding caches made from it to record.
    public let sha256: String
    /// Rows in sorted path order.
    public let records: [FaceTrackRecord]
    /// Videos that could not be tracked (no face in any sampled frame, undecodable), and why.
    public var failures: [CacheFailure] { table.failures }
    public var videoCount: Int { records.count }

    /// The columns every cache kind shares, checked.
    let table: CacheVideoTable
    private let rowIndex: [String: Int]

    public init(url: URL) throws {
        self.url = url
        // Hashed before it is opened: the cache is only ever replaced by a rename, so these are the bytes read.
        sha256 = try SHA256.hexDigest(ofFile: url)
        let file = try HDF5File.open(url, access: .readOnly)
        defer { try? file.close() }
        (metadata, createdAt, table, records) = try CacheFormatError.naming(FaceCacheMetadata.cacheName) {
            let metadata = try FaceCacheMetadata.read(from: file)
            try Self.checkLayout(file, frames: metadata.frames)
            let createdAt = try file.stringAttribute(FaceCacheSchema.Attribute.createdAt)
            let table = try CacheVideoTable(reading: file)
            let records = try Self.readRecords(file, table: table, frames: metadata.frames)
            return (metadata, createdAt, table, records)
        }
        var rowIndex: [String: Int] = [:]
        for (index, record) in records.enumerated() { rowIndex[record.path] = index }
        self.rowIndex = rowIndex
    }

    /// The row of the video at `path` (relative to the dataset root), or nil when it has none.
    public func record(forPath path: String) -> FaceTrackRecord? {
        rowIndex[path].map { records[$0] }
    }

    /// The shared datasets and the face datasets: ranks, types, extents [N, F, ...] and stored sizes.
    private static func checkLayout(_ file: HDF5File, frames: Int) throws {
        typealias Name = FaceCacheSchema.Dataset
        let entries = [
            CacheLayoutEntry(name: Name.boxes, kind: .float, rows: .videos, trailing: [frames, 4]),
            CacheLayoutEntry(name: Name.scores, kind: .float, rows: .videos, trailing: [frames]),
            CacheLayoutEntry(name: Name.landmarks, kind: .float, rows: .videos,
                             trailing: [frames, FaceTrack.landmarkCount, 2]),
            CacheLayoutEntry(name: Name.faceFound, kind: .integer, rows: .videos, trailing: [frames]),
            CacheLayoutEntry(name: Name.frameSizes, kind: .integer, rows: .videos, trailing: [2]),
        ]
        try CacheFileCheck.checkLayout(file, frames: frames, rowEntries: entries)
    }

    /// Every row, checked by `FaceTrackCheck` (the rules the writer applied).
    private static func readRecords(_ file: HDF5File, table: CacheVideoTable, frames: Int) throws -> [FaceTrackRecord] {
        typealias Name = FaceCacheSchema.Dataset
        let path = file.url.path
        let valid = try file.dataset(CacheSchema.Dataset.valid).read(as: UInt8.self)
        let found = try file.dataset(Name.faceFound).read(as: UInt8.self)
        try CacheFileCheck.checkValid(valid, frames: frames, paths: table.paths, file: path)
        if let row = found.firstIndex(where: { $0 > 1 }) {
            throw CacheFormatError(file: path, problem: "/\(Name.faceFound) holds \(found[row]) for "
                                   + "'\(table.paths[row / frames])'; values are 0 or 1")
        }
        let frameIndices = try file.dataset(CacheSchema.Dataset.frameIndices).read(as: Int32.self)
        let boxes = try file.dataset(Name.boxes).read(as: Float.self)
        let scores = try file.dataset(Name.scores).read(as: Float.self)
        let landmarks = try file.dataset(Name.landmarks).read(as: Float.self)
        let sizes = try file.dataset(Name.frameSizes).read(as: Int32.self)
        let perSlotLandmarks = FaceTrack.landmarkCount * 2
        return try table.paths.indices.map { row in
            let slots = row * frames..<(row + 1) * frames
            let track = FaceTrack(
                boxes: FaceTrackLayout.boxes(boxes[slots.lowerBound * 4..<slots.upperBound * 4]),
                scores: Array(scores[slots]),
                landmarks: FaceTrackLayout.landmarks(
                    landmarks[slots.lowerBound * perSlotLandmarks..<slots.upperBound * perSlotLandmarks]),
                found: found[slots].map { $0 != 0 })
            let record = FaceTrackRecord(
                path: table.paths[row], label: table.labels[row], split: table.split(at: row), group: table.group(at: row),
                bytes: table.bytes[row], mtime: table.mtimes[row], totalFrames: table.totalFrames[row],
                frameIndices: Array(frameIndices[slots]), valid: valid[slots].map { $0 != 0 },
                frameWidth: sizes[row * 2], frameHeight: sizes[row * 2 + 1], track: track)
            if let problem = FaceTrackCheck.problem(in: record, frames: frames) {
                throw CacheFormatError(file: path, problem: "row \(row) \(problem)")
            }
            return record
        }
    }
}

extension FaceCacheReader: CacheRowReader {
    typealias Row = FaceTrackRecord

    func row(at index: Int) throws -> FaceTrackRecord { records[index] }
}
