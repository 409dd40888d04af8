import Foundation
import Testing
@testable import Extract
import Shared

enum CacheFixtures {
    static let frames = 4
    static let dimension = 8

    static func metadata(backbone: String = "mobilenet_v2", weights: String = "b0353104",
                         toolVersion: String = "0.1.0") -> CacheMetadata {
        CacheMetadata(backbone: backbone, weightsSHA256: weights, inputSize: 224,
                      normalization: "imagenet mean=[0.485,0.456,0.406] std=[0.229,0.224,0.225]",
                      frames: frames, embeddingDimension: dimension, samplingPolicy: "uniform over the whole video",
                      cropPolicy: "resize short side to 256, centre crop 224", toolVersion: toolVersion,
                      dataset: "toy")
    }

    static func directory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cache-tests-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A wanted video whose content (and so its fake embeddings) is determined by `seed`.
    static func wanted(_ path: String, seed: Int, label: Int8? = nil, split: String? = nil) -> WantedVideo {
        WantedVideo(path: path, label: label ?? Int8(seed % 2), split: split, bytes: Int64(1000 + seed),
                    mtime: 1_700_000_000.25 + Double(seed))
    }

    /// What an extractor would produce for `wanted`: distinct values per video, the last frame padded when
    /// the seed is odd.
    static func extracted(_ wanted: WantedVideo) -> CachedVideo {
        let seed = Int(wanted.bytes - 1000)
        let short = seed % 2 == 1
        var frameIndices = (0..<frames).map { Int32($0 * 10 + seed) }
        var valid = [Bool](repeating: true, count: frames)
        var embeddings = (0..<(frames * dimension)).map { Float(seed) * 0.125 + Float($0) * 0.5 - 7 }
        if short {
            frameIndices[frames - 1] = -1
            valid[frames - 1] = false
            for index in (frames - 1) * dimension..<frames * dimension { embeddings[index] = 0 }
        }
        return CachedVideo(path: wanted.path, label: wanted.label, split: wanted.split, bytes: wanted.bytes,
                           mtime: wanted.mtime, totalFrames: Int32(short ? frames - 1 : 100 + seed),
                           frameIndices: frameIndices, valid: valid, embeddings: embeddings)
    }

    /// Builds a cache in one uninterrupted run.
    @discardableResult
    static func buildUninterrupted(at url: URL, wanted: [WantedVideo], failing: Set<String> = [],
                                   metadata: CacheMetadata = metadata()) throws -> URL {
        var session = try CacheWriteSession(cacheURL: url, metadata: metadata)
        for video in session.pendingVideos(wanted) {
            if failing.contains(video.path) {
                try session.recordFailure(CacheFailure(path: video.path, reason: "decoder error: \(video.path)",
                                                       bytes: video.bytes, mtime: video.mtime))
            } else {
                try session.append(extracted(video))
            }
        }
        return try session.finish(keeping: wanted)
    }
}

/// Every dataset and root attribute (except created_at) of two caches, compared value by value.
func expectSameCacheContents(_ first: URL, _ second: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let a = try HDF5File.open(first)
    let b = try HDF5File.open(second)
    typealias Name = CacheSchema.Dataset
    for name in [Name.embeddings] {
        #expect(try a.dataset(name).read(as: Float.self) == b.dataset(name).read(as: Float.self), sourceLocation: sourceLocation)
        #expect(try a.dataset(name).shape() == b.dataset(name).shape(), sourceLocation: sourceLocation)
    }
    for name in [Name.frameIndices, Name.totalFrames] {
        #expect(try a.dataset(name).read(as: Int32.self) == b.dataset(name).read(as: Int32.self), sourceLocation: sourceLocation)
        #expect(try a.dataset(name).shape() == b.dataset(name).shape(), sourceLocation: sourceLocation)
    }
    #expect(try a.dataset(Name.valid).read(as: UInt8.self) == b.dataset(Name.valid).read(as: UInt8.self), sourceLocation: sourceLocation)
    #expect(try a.dataset(Name.labels).read(as: Int8.self) == b.dataset(Name.labels).read(as: Int8.self), sourceLocation: sourceLocation)
    for name in [Name.videoBytes, Name.failureBytes] {
        #expect(try a.dataset(name).read(as: Int64.self) == b.dataset(name).read(as: Int64.self), sourceLocation: sourceLocation)
    }
    for name in [Name.videoMtimes, Name.failureMtimes] {
        #expect(try a.dataset(name).read(as: Double.self) == b.dataset(name).read(as: Double.self), sourceLocation: sourceLocation)
    }
    for name in [Name.videos, Name.failureVideos, Name.failureReasons] {
        #expect(try a.dataset(name).readStrings() == b.dataset(name).readStrings(), sourceLocation: sourceLocation)
    }
    #expect(try a.contains(Name.splits) == b.contains(Name.splits), sourceLocation: sourceLocation)
    if try a.contains(Name.splits) {
        #expect(try a.dataset(Name.splits).readStrings() == b.dataset(Name.splits).readStrings(), sourceLocation: sourceLocation)
    }
    #expect(try CacheMetadata.read(from: a) == CacheMetadata.read(from: b), sourceLocation: sourceLocation)
}
