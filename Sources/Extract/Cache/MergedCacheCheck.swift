import Foundation
import Shared

/// The extra rules for a merged cache, whose per-frame datasets are virtual (`ShardMerge`): a virtual
/// dataset reads zeros where a source is missing and could point anywhere, so before it is trusted every
/// mapping must be a block of whole rows from `shards/<file>.h5` beside the cache, the blocks must tile the
/// rows in order and agree across the datasets, and each source must open as a checked shard cache made
/// with the same settings that holds exactly the videos of its block.
enum MergedCacheCheck {
    /// Whether `file`'s per-frame datasets are virtual (all of them or none, else refused).
    static func isMerged(_ file: HDF5File) throws -> Bool {
        let flags = try ShardMerge.virtualDatasets.map { try file.dataset($0).isVirtual() }
        guard Set(flags).count == 1 else {
            throw CacheFormatError(file: file.url.path, problem: "only some of /\(ShardMerge.virtualDatasets.joined(separator: ", /")) are virtual")
        }
        return flags[0]
    }

    static func checkSources(_ file: HDF5File, metadata: CacheMetadata, paths: [String]) throws {
        let path = file.url.path
        let layouts = try ShardMerge.virtualDatasets.map { name in
            try file.dataset(name).virtualBlocks().map { block -> HDF5VirtualBlock in
                guard block.dataset == "/" + name else {
                    throw CacheFormatError(file: path, problem: "/\(name) maps \(block.dataset) of \(block.file), not /\(name)")
                }
                var anonymous = block
                anonymous.dataset = ""
                return anonymous
            }
        }
        guard layouts.allSatisfy({ $0 == layouts[0] }) else {
            throw CacheFormatError(file: path, problem: "its virtual datasets map different rows")
        }
        var nextRow = 0
        for block in layouts[0].sorted(by: { $0.firstRow < $1.firstRow }) {
            guard block.firstRow == nextRow, block.sourceFirstRow == 0 else {
                throw CacheFormatError(file: path, problem: "its virtual rows are not shard blocks in order (a gap or overlap at row \(nextRow))")
            }
            try checkSource(block, metadata: metadata, paths: paths, file: file.url)
            nextRow += block.rows
        }
        guard nextRow == paths.count else {
            throw CacheFormatError(file: path, problem: "its shards cover \(nextRow) of its \(paths.count) rows")
        }
    }

    private static func checkSource(_ block: HDF5VirtualBlock, metadata: CacheMetadata, paths: [String], file: URL) throws {
        let parts = block.file.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "shards", parts[1].hasSuffix(".h5"), !parts[1].hasPrefix(".") else {
            throw CacheFormatError(file: file.path, problem: "a virtual dataset maps '\(block.file)', which is not a shards/<name>.h5 file beside it")
        }
        let url = file.deletingLastPathComponent().appendingPathComponent(block.file)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CacheFormatError(file: file.path, problem: "its shard \(url.path) is missing (a merged cache reads the shard files: keep shards/ beside it, or merge with --copy)")
        }
        let shard = try EmbeddingCacheReader(url: url, acceptingMerged: false)
        var settings = shard.metadata
        settings.shard = nil
        let differences = settings.differences(from: metadata)
        guard differences.isEmpty, settings.listingSHA256 == metadata.listingSHA256 else {
            throw CacheFormatError(file: file.path, problem: "its shard \(url.lastPathComponent) was made with other settings (\((differences + ["listing"]).joined(separator: "; ")))")
        }
        guard shard.videoPaths == Array(paths[block.firstRow..<min(paths.count, block.firstRow + block.rows)]) else {
            throw CacheFormatError(file: file.path, problem: "its shard \(url.lastPathComponent) does not hold the videos of rows \(block.firstRow)..<\(block.firstRow + block.rows)")
        }
    }
}
