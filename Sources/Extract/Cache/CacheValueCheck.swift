import Foundation
import Shared

/// The per-video values of a cache, checked once read: what shapes alone cannot catch.
extension CacheFileCheck {
    /// Unique paths, labels 0/1, known splits, sizes and times that can be real.
    static func checkVideoRows(paths: [String], labels: [Int8], splits: [String]?, bytes: [Int64], mtimes: [Double],
                               file: String) throws {
        typealias Name = CacheSchema.Dataset
        try checkUnique(paths, dataset: Name.videos, file: file)
        for row in paths.indices {
            let video = "row \(row) ('\(paths[row])')"
            guard labels[row] == 0 || labels[row] == 1 else {
                throw CacheFormatError(file: file, problem: "/\(Name.labels) is \(labels[row]) at \(video); labels are 0 (real) or 1 (fake)")
            }
            if let splits, !splitNames.contains(splits[row]) {
                throw CacheFormatError(file: file, problem: "/\(Name.splits) is '\(splits[row])' at \(video); splits are train, val, test or empty")
            }
            try checkStamp(bytes: bytes[row], mtime: mtimes[row], at: video, bytesName: Name.videoBytes,
                           mtimeName: Name.videoMtimes, file: file)
        }
    }

    /// Unique failure paths with real sizes and times.
    static func checkFailures(_ failures: [CacheFailure], file: String) throws {
        typealias Name = CacheSchema.Dataset
        try checkUnique(failures.map(\.path), dataset: Name.failureVideos, file: file)
        for (row, failure) in failures.enumerated() {
            try checkStamp(bytes: failure.bytes, mtime: failure.mtime, at: "row \(row) ('\(failure.path)')",
                           bytesName: Name.failureBytes, mtimeName: Name.failureMtimes, file: file)
        }
    }

    /// valid is 0/1 and every video has at least one real frame (extract never caches a video without one).
    static func checkValid(_ valid: [UInt8], frames: Int, paths: [String], file: String) throws {
        typealias Name = CacheSchema.Dataset
        for row in paths.indices {
            let slots = valid[row * frames..<(row + 1) * frames]
            if let bad = slots.first(where: { $0 > 1 }) {
                throw CacheFormatError(file: file, problem: "/\(Name.valid) holds \(bad) for '\(paths[row])' (row \(row)); values are 0 or 1")
            }
            guard slots.contains(1) else {
                throw CacheFormatError(file: file, problem: "/\(Name.valid) marks no frame of '\(paths[row])' (row \(row)) as real; "
                                       + "every cached video has at least one decoded frame")
            }
        }
    }

    /// One video's embeddings are finite and of sane magnitude.
    static func checkEmbeddings(_ values: [Float], video: String, file: String) throws {
        guard let bad = values.firstIndex(where: { !($0.magnitude <= embeddingMagnitudeLimit) }) else { return }
        let what = values[bad].isNaN ? "NaN" : values[bad].isInfinite ? "infinity" : "\(values[bad])"
        throw CacheFormatError(file: file, problem: "/\(CacheSchema.Dataset.embeddings) of '\(video)' holds \(what) at element \(bad); "
                               + "embeddings are finite with magnitude at most \(embeddingMagnitudeLimit)")
    }

    /// Whether all embeddings ([N, F, D] float32) fit in `budget` bytes; train loads them at once.
    static func checkFitsInMemory(videos: Int, metadata: CacheMetadata, budget: UInt64, file: String) throws {
        let shape = [videos, metadata.frames, metadata.embeddingDimension]
        guard let bytes = HDF5Extent.byteCount(shape, elementBytes: 4), UInt64(bytes) <= budget else {
            throw CacheFormatError(file: file, problem: "/\(CacheSchema.Dataset.embeddings) of shape \(shape) needs more than "
                                   + "the \(budget >> 20) MiB memory budget to load")
        }
    }

    private static func checkUnique(_ paths: [String], dataset: String, file: String) throws {
        var firstRow: [String: Int] = [:]
        for (row, path) in paths.enumerated() {
            if let first = firstRow.updateValue(row, forKey: path) {
                throw CacheFormatError(file: file, problem: "/\(dataset) lists '\(path)' twice (rows \(first) and \(row)); paths are unique")
            }
        }
    }

    private static func checkStamp(bytes: Int64, mtime: Double, at video: String, bytesName: String, mtimeName: String,
                                   file: String) throws {
        guard bytes >= 0 else {
            throw CacheFormatError(file: file, problem: "/\(bytesName) is \(bytes) at \(video); file sizes are not negative")
        }
        guard mtime.isFinite else {
            throw CacheFormatError(file: file, problem: "/\(mtimeName) is \(mtime) at \(video); modification times are finite")
        }
    }
}
