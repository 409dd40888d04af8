import Foundation
import Extract
import Shared
@testable import Train

/// An embedding cache written by the real cache writer at `<cache>/<dataset>/mobilenetv2_f<frames>.h5`:
/// fake videos carry a bump in features 0-2 on even frames, easy to learn but not perfectly. `group` names
/// each video's identity group (nil: none), `label` its class (default: alternating real, fake).
@discardableResult
func writeSyntheticCache(in cacheDirectory: URL, dataset: String, videos: Int, frames: Int = 8, dim: Int = 12,
                         label: (Int) -> Int8 = { Int8($0 % 2) }, group: (Int) -> String? = { _ in nil }) throws -> URL {
    let url = cacheDirectory.appendingPathComponent("\(dataset)/mobilenetv2_f\(frames).h5")
    let metadata = CacheMetadata(backbone: "mobilenetv2", weightsSHA256: String(repeating: "ab", count: 32), inputSize: 224,
                                 normalization: "test", frames: frames, embeddingDimension: dim,
                                 samplingPolicy: "test", cropPolicy: "whole-frame", dataset: dataset)
    var session = try CacheWriteSession(cacheURL: url, metadata: metadata)
    var random = SeededRandom(seed: 11)
    var wanted: [WantedVideo] = []
    for v in 0..<videos {
        let fake = label(v) == 1
        var embeddings = [Float](repeating: 0, count: frames * dim)
        for f in 0..<frames {
            for d in 0..<dim { embeddings[f * dim + d] = Float(random.nextUniform() * 2 - 1) }
            if fake && f % 2 == 0 { for d in 0..<3 { embeddings[f * dim + d] += 0.8 } }
        }
        let path = String(format: "%@/v%03d.mp4", fake ? "fake" : "real", v)
        try session.append(CachedVideo(path: path, label: label(v), split: nil, bytes: 1, mtime: 1, totalFrames: 100,
                                       frameIndices: (0..<frames).map(Int32.init), valid: Array(repeating: true, count: frames),
                                       embeddings: embeddings))
        wanted.append(WantedVideo(path: path, label: label(v), split: nil, bytes: 1, mtime: 1, group: group(v)))
    }
    try session.finish(keeping: wanted)
    return url
}
