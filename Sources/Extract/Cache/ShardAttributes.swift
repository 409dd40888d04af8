import Shared

/// The scale-out attributes every cache kind records the same way: `listing_sha256` (the dataset listing
/// the file was made from) and, in a shard, `shard_index` / `shard_count` (`ShardPlan`).
enum ShardAttributes {
    typealias Name = CacheSchema.Attribute

    static func write(listingSHA256: String?, shard: ShardSpec?, to file: HDF5File) throws {
        if let listingSHA256 { try file.setAttribute(Name.listingSHA256, listingSHA256) }
        if let shard {
            try file.setAttribute(Name.shardIndex, Int64(shard.index))
            try file.setAttribute(Name.shardCount, Int64(shard.count))
        }
    }

    /// Both, checked: a digest is 64 lowercase hex digits, a shard in range, never one attribute of the two.
    static func read(from file: HDF5File) throws -> (listingSHA256: String?, shard: ShardSpec?) {
        var listing: String?
        if try file.hasAttribute(Name.listingSHA256) {
            let digest = try file.stringAttribute(Name.listingSHA256)
            guard digest.count == 64, digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw CacheFormatError(file: file.url.path, problem: "listing_sha256 is not 64 lowercase hex digits")
            }
            listing = digest
        }
        let hasIndex = try file.hasAttribute(Name.shardIndex), hasCount = try file.hasAttribute(Name.shardCount)
        guard hasIndex == hasCount else {
            throw CacheFormatError(file: file.url.path, problem: "it has one of shard_index and shard_count but not the other")
        }
        guard hasIndex else { return (listing, nil) }
        let index = try file.attribute(Name.shardIndex, as: Int64.self)
        let count = try file.attribute(Name.shardCount, as: Int64.self)
        do {
            return (listing, try ShardSpec(index: Int(clamping: index), count: Int(clamping: count)))
        } catch {
            throw CacheFormatError(file: file.url.path, problem: "shard_index \(index) / shard_count \(count) is not a shard")
        }
    }
}
