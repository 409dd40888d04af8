import Foundation
import Shared

/// `extract merge --crop face`, face-track part: `faces_f<FRAMES>.h5` built from the face-track shards.
///
/// Rows, their order and every value equal a single run's, as for the embedding cache (`ShardMerge`):
/// each shard holds one run of consecutive sorted paths, and its rows are copied as they are. The file is
/// always self-contained (no virtual datasets): it is small (about 70 bytes per slot) and its reader loads
/// it whole. Written like every cache: a temporary file, fsynced, renamed over the face cache.
public struct FaceShardMerge {
    public struct Outcome: Sendable {
        public let faceCacheURL: URL
        public let shards: Int
        public let videos: Int
        public let failures: Int
    }

    public let faceCacheURL: URL
    public let frames: Int
    /// The MTCNN weight hashes the shards must record; nil merges without comparing (`--accept-weights-hash`).
    public let detectorWeights: [String]?

    public init(faceCacheURL: URL, frames: Int, detectorWeights: [String]?) {
        self.faceCacheURL = faceCacheURL
        self.frames = frames
        self.detectorWeights = detectorWeights
    }

    @discardableResult
    public func run() throws -> Outcome {
        let journal = CacheSchema.journalURL(for: faceCacheURL)
        guard !FileManager.default.fileExists(atPath: journal.path) else {
            throw ShardMergeError(file: faceCacheURL.path, problem: "a face stage of the whole dataset is unfinished there (\(journal.lastPathComponent))",
                                  fix: "Let it finish, or delete \(journal.path), then merge.")
        }
        let set = try FaceShardSet(faceCacheURL: faceCacheURL, frames: frames, detectorWeights: detectorWeights)
        let (rows, failures) = ShardMerge.plannedRows(set.readers.map(\.table))
        let assembler = CacheAssembler<FaceTrackRecord>(metadata: set.metadata, journal: nil, caches: set.readers)
        let temporary = CacheSchema.temporaryURL(for: faceCacheURL)
        try CacheFormatError.naming(FaceCacheMetadata.cacheName) {
            try assembler.write(to: temporary, rows: rows, failures: failures)
        }
        try DurableFileOperations.syncFile(at: temporary)
        try DurableFileOperations.replace(faceCacheURL, with: temporary)
        return Outcome(faceCacheURL: faceCacheURL, shards: set.readers.count, videos: rows.count, failures: failures.count)
    }
}
