import Foundation
import Shared

/// The per-video and per-failure columns every cache kind keeps, read up front and checked
/// (unique paths, labels 0/1, known splits, real sizes and times). Read only after
/// `CacheFileCheck.checkLayout` has matched every extent to /videos and /failures/videos.
struct CacheVideoTable {
    /// [videos] sorted paths relative to the dataset root.
    let paths: [String]
    /// [videos] 1 = fake, 0 = real.
    let labels: [Int8]
    /// [videos] "train"/"val"/"test", "" for a video without one; nil when the dataset gives no splits.
    let splits: [String]?
    /// [videos] identity group ("" for none); nil when the dataset layout defines no groups.
    let groups: [String]?
    let bytes: [Int64]
    let mtimes: [Double]
    let totalFrames: [Int32]
    let failures: [CacheFailure]

    init(reading file: HDF5File) throws {
        typealias Name = CacheSchema.Dataset
        paths = try file.dataset(Name.videos).readStrings()
        labels = try file.dataset(Name.labels).read(as: Int8.self)
        splits = try file.contains(Name.splits) ? file.dataset(Name.splits).readStrings() : nil
        groups = try file.contains(Name.groups) ? file.dataset(Name.groups).readStrings() : nil
        bytes = try file.dataset(Name.videoBytes).read(as: Int64.self)
        mtimes = try file.dataset(Name.videoMtimes).read(as: Double.self)
        totalFrames = try file.dataset(Name.totalFrames).read(as: Int32.self)
        let failurePaths = try file.dataset(Name.failureVideos).readStrings()
        let reasons = try file.dataset(Name.failureReasons).readStrings()
        let failureBytes = try file.dataset(Name.failureBytes).read(as: Int64.self)
        let failureMtimes = try file.dataset(Name.failureMtimes).read(as: Double.self)
        failures = failurePaths.indices.map {
            CacheFailure(path: failurePaths[$0], reason: reasons[$0], bytes: failureBytes[$0], mtime: failureMtimes[$0])
        }
        try CacheFileCheck.checkVideoRows(paths: paths, labels: labels, splits: splits, bytes: bytes, mtimes: mtimes,
                                          file: file.url.path)
        try CacheFileCheck.checkFailures(failures, file: file.url.path)
    }

    var count: Int { paths.count }

    /// "" marks a video without a split in a dataset that has splits.
    func split(at index: Int) -> String? { splits.flatMap { $0[index].isEmpty ? nil : $0[index] } }

    func group(at index: Int) -> String? { groups.flatMap { $0[index].isEmpty ? nil : $0[index] } }

    func stamp(at index: Int) -> VideoFileStamp { VideoFileStamp(bytes: bytes[index], mtime: mtimes[index]) }

    /// True when the table holds exactly `videos` (as rows or failures), unchanged, with these labels,
    /// splits and groups: the cache needs no work.
    /// `comparingModificationTimes` false compares sizes only (freshness by content: the caller has matched
    /// the listing digest).
    func holdsExactly(_ videos: [WantedVideo], comparingModificationTimes: Bool = true) -> Bool {
        func same(_ stored: VideoFileStamp, _ wanted: VideoFileStamp) -> Bool {
            comparingModificationTimes ? stored == wanted : stored.bytes == wanted.bytes
        }
        guard count + failures.count == videos.count else { return false }
        var rowIndex: [String: Int] = [:]
        for (index, path) in paths.enumerated() { rowIndex[path] = index }
        var failureStamps: [String: VideoFileStamp] = [:]
        for failure in failures { failureStamps[failure.path] = failure.stamp }
        for video in videos {
            if let index = rowIndex.removeValue(forKey: video.path) {
                guard same(stamp(at: index), video.stamp), labels[index] == video.label, split(at: index) == video.split,
                      group(at: index) == video.group else { return false }
            } else if let stamp = failureStamps.removeValue(forKey: video.path) {
                guard same(stamp, video.stamp) else { return false }
            } else {
                return false
            }
        }
        return true
    }
}
