import Foundation
import Shared

/// Every face-track shard of one dataset and frame count (`extract faces --shard`, `extract --crop face
/// --shard`), found in `shards/` beside the face cache and checked like the embedding shards (`ShardSet`):
/// all N present and finished, each its own part of one listing, all made with the same detector,
/// weights, detection size, sampling and tracking.
struct FaceShardSet {
    /// Shard i at index i.
    let readers: [FaceCacheReader]
    /// The shards' metadata without the shard: what the merged face cache records.
    let metadata: FaceCacheMetadata

    /// `detectorWeights` are the P-Net, R-Net and O-Net hashes this build detects with (nil: not compared).
    init(faceCacheURL: URL, frames: Int, detectorWeights: [String]?) throws {
        let urls = try ShardSet.shardURLs(of: faceCacheURL, command: "extract faces")
        var readers: [FaceCacheReader] = []
        for (index, url) in urls.enumerated() {
            let reader = try FaceCacheReader(url: url)
            let found = reader.metadata
            guard found.shard == (try ShardSpec(index: index, count: urls.count)) else {
                throw ShardMergeError(file: url.path, problem: "its name says shard \(index)/\(urls.count) but it records "
                                      + (found.shard.map { "shard \($0)" } ?? "no shard"),
                                      fix: "Delete it and run that shard again.")
            }
            guard found.frames == frames else {
                throw ShardMergeError(file: url.path, problem: "it holds face tracks at \(found.frames) frames, not \(frames)",
                                      fix: "Delete it and run that shard again.")
            }
            if let detectorWeights {
                try Self.checkWeights(found, against: detectorWeights, file: url.path)
            }
            if let first = readers.first?.metadata {
                try checkShardSettings(found, as: first, file: url.path, firstFile: urls[0].lastPathComponent,
                                       fix: "Run every shard with the same options, tool version and dataset.")
            } else if found.listingSHA256 == nil {
                throw ShardMergeError(file: url.path, problem: "it records no listing_sha256", fix: "Run that shard again with this version of extract.")
            }
            readers.append(reader)
        }
        self.readers = readers
        var merged = readers[0].metadata
        merged.shard = nil
        metadata = merged
        try ShardSet.checkParts(readers.map { ($0.url, $0.table) }, listingSHA256: merged.listingSHA256)
    }

    /// The MTCNN weight hashes the shard records against the ones this build loads.
    private static func checkWeights(_ found: FaceCacheMetadata, against local: [String], file: String) throws {
        typealias Name = FaceCacheSchema.Attribute
        let recorded = [(Name.pnetSHA256, found.pnetSHA256), (Name.rnetSHA256, found.rnetSHA256), (Name.onetSHA256, found.onetSHA256)]
        for ((name, stored), wanted) in zip(recorded, local) where stored != wanted {
            throw ShardMergeError(file: file, problem: "its \(name) is \(stored), but this build's MTCNN weights have SHA-256 \(wanted)",
                                  fix: "Merge with the version of extract the shards were made with, run the shards again with this one, or pass --accept-weights-hash to merge without comparing.")
        }
    }

}
