import Shared

/// /frame_indices (int32) and /valid (uint8), [N, F]: which source frame each slot holds. Every cache kind
/// has them, written the same way.
struct CacheSlotDatasets {
    private let frameIndices: HDF5Dataset
    private let valid: HDF5Dataset

    init(creatingIn file: HDF5File, frames: Int, count: Int) throws {
        let chunk = [CacheChunks.rows(count: count, rowBytes: 4 * frames), max(1, frames)]
        frameIndices = try file.createDataset(CacheSchema.Dataset.frameIndices, of: Int32.self, shape: [count, frames],
                                              chunk: chunk, unlimitedFirstDimension: true)
        valid = try file.createDataset(CacheSchema.Dataset.valid, of: UInt8.self, shape: [count, frames],
                                       chunk: chunk, unlimitedFirstDimension: true)
    }

    func write(frameIndices indices: [Int32], valid flags: [Bool], at index: Int) throws {
        try frameIndices.writeRows(indices, startingAt: index, count: 1)
        try valid.writeRows(flags.map { UInt8($0 ? 1 : 0) }, startingAt: index, count: 1)
    }
}
